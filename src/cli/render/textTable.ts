/** Left-aligned text columns, right-aligned where every value looks numeric. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+%?( .*)?$/.test(r[i] ?? '') || r[i] === 'not recorded'));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * A text table no wider than `width` characters: the free-text column `shrink` (a label, a
 * commit subject) is cut, with `…`, to what the other columns leave; never below its header.
 */
export function textTableWithin(width: number, shrink: number, header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  if (total <= width) return textTable(header, rows);
  const room = Math.max(header[shrink].length, widths[shrink] - (total - width));
  const cut = (text: string) => (text.length <= room ? text : `${text.slice(0, room - 1)}…`);
  return textTable(
    header,
    rows.map((r) => r.map((cell, i) => (i === shrink ? cut(cell) : cell))),
  );
}

/** Prose wrapped at `width` characters on spaces; lines after the first start with `indent`. */
export function wrapText(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const prefix = lines.length === 0 ? '' : indent;
    if (line !== '' && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push((lines.length === 0 ? '' : indent) + line);
  return lines.join('\n');
}
