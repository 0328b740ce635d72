/** An image from its bytes, as a data: URL (an SVG in an <img> runs none of its scripts and loads nothing). */
import { useMemo } from "react";
import { base64Of } from "./doc-model.js";

export function ImageView({ path, mime, bytes }: { path: string; mime: string; bytes: Uint8Array }) {
  const src = useMemo(() => `data:${mime};base64,${base64Of(bytes)}`, [mime, bytes]);
  return (
    <div className="doc-image" role="img" aria-label={`Image: ${path}`}>
      <img src={src} alt={path.split("/").pop()} />
    </div>
  );
}
