/*
 * The label a chart's point or marker shows while the pointer is on it or it has keyboard
 * focus: drawn in the SVG itself and revealed by CSS (`:hover`, `:focus`), because the report
 * panel runs no script and a file beside a handoff note has none either.
 */

/** Width of one character at the tip's font size: enough to keep the box around the text. */
const CHAR_WIDTH = 6.4;
const LINE_HEIGHT = 14;
const PAD = 5;

export interface TipBounds {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A `<g class="tip">` beside (x, y), inside `bounds`: right of the point unless that runs out, above it unless that does. */
export function chartTip(x: number, y: number, lines: string[], bounds: TipBounds): string {
  const width = Math.max(...lines.map((l) => l.length)) * CHAR_WIDTH + 2 * PAD;
  const height = lines.length * LINE_HEIGHT + 2 * PAD - 3;
  const left = x + 8 + width <= bounds.right ? x + 8 : Math.max(bounds.left, x - 8 - width);
  const top = y - 8 - height >= bounds.top ? y - 8 - height : Math.min(bounds.bottom - height, y + 8);
  const n = (v: number) => v.toFixed(1);
  const text = lines.map((l, i) => `<tspan x="${n(left + PAD)}" y="${n(top + PAD + 10 + i * LINE_HEIGHT)}">${escapeXml(l)}</tspan>`).join('');
  return `<g class="tip"><rect x="${n(left)}" y="${n(top)}" width="${n(width)}" height="${n(height)}" rx="3"/><text>${text}</text></g>`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
