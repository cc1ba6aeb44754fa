import { Resvg } from '@resvg/resvg-js';

/** Renders an SVG document to PNG bytes with resvg (system fonts for the labels). */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}
