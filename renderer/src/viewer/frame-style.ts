/** The style inside an HTML output's frame: the app's look, light and dark, and pandas tables as Jupyter shows them. */
export const FRAME_CSS = `
:root { color-scheme: light dark; --fg: #1c2128; --line: #d5dbe3; --stripe: #f5f7fa; --hover: #e9edf2; --link: #1f6feb; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --line: #30363d; --stripe: #161b22; --hover: #21262d; --link: #4493f8; } }
html, body { margin: 0; padding: 0; background: transparent; color: var(--fg); }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; overflow-x: auto; overflow-y: hidden; }
a { color: var(--link); }
img, svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; border: none; font-size: 12px; margin: 2px 0; }
th, td { padding: 4px 8px; border: none; text-align: right; vertical-align: middle; white-space: nowrap; }
thead { border-bottom: 1px solid var(--line); }
thead th { font-weight: 600; }
tbody tr:nth-child(odd) { background: var(--stripe); }
tbody tr:hover { background: var(--hover); }
tbody th { font-weight: 600; }
pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; margin: 0; white-space: pre-wrap; }
.image-placeholder { color: #8b949e; font-style: italic; }
`;
