/** The kiosk and sign-in pages' stylesheet: light and dark follow the OS. */
export const KIOSK_CSS = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1d1f21; --muted: #6a737d; --code: #f6f8fa; --ok: #1a7f37; --bad: #b42318; --kw: #8250df; --str: #0a3069; --num: #0550ae; --com: #6e7781; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #8b949e; --code: #161b22; --ok: #3fb950; --bad: #f85149; --kw: #d2a8ff; --str: #a5d6ff; --num: #79c0ff; --com: #8b949e; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
#banner { padding: 6px 12px; font-size: 13px; color: #fff; background: var(--muted); }
#banner.ready { background: var(--ok); }
#banner.signed-out { background: var(--bad); }
main { max-width: 960px; margin: 0 auto; padding: 16px; }
.cell { margin: 12px 0; }
.prompt { color: var(--muted); font: 12px monospace; }
pre { background: var(--code); padding: 8px 12px; border-radius: 6px; overflow: auto; font: 13px/1.45 ui-monospace, monospace; }
pre.output { background: transparent; border-left: 3px solid var(--muted); border-radius: 0; }
pre.stderr, pre.error { border-left-color: var(--bad); }
img.output { max-width: 100%; }
.hljs-keyword, .hljs-built_in { color: var(--kw); }
.hljs-string { color: var(--str); }
.hljs-number, .hljs-literal { color: var(--num); }
.hljs-comment { color: var(--com); font-style: italic; }
body.signin main { max-width: 420px; }
form { display: grid; gap: 12px; }
label { display: grid; gap: 4px; }
input, button { font: inherit; padding: 8px; }
.error { color: var(--bad); }
`;
