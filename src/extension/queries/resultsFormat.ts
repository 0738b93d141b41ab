import type { RunQueryResult } from '../../shared/protocol';

/** RFC 4180: quote a field holding a comma, quote, CR or LF, doubling its quotes. */
export function toCsv(result: Pick<RunQueryResult, 'columns' | 'rows'>): string {
  const field = (value: unknown) => {
    const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [result.columns.map(field).join(',')];
  for (const row of result.rows) lines.push(result.columns.map((c) => field(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(result: Pick<RunQueryResult, 'columns' | 'rows'>): string {
  return `${JSON.stringify(
    result.rows.map((row) => Object.fromEntries(result.columns.map((c) => [c, row[c] ?? null]))),
    null,
    2,
  )}\n`;
}
