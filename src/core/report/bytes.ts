/**
 * Byte counts as people who pay per byte scanned read them. BigQuery bills in binary units
 * (a TiB is 2^40 bytes), so sizes are shown in KiB/MiB/GiB/TiB, with the exact count beside
 * them where it matters.
 */

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `1.5 GiB`, `980 bytes`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${bytes} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${shown.replace(/\.0+$|(\.\d*?)0+$/, '$1')} ${UNITS[unit]}`;
}

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

/**
 * A size as written on a command line: `5000000`, `500MB` (decimal), `2GiB` (binary).
 * Returns null when the text is not a positive whole number of bytes.
 */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(text);
  if (!match) return null;
  const multiplier = MULTIPLIERS[(match[2] ?? '').toUpperCase()];
  const bytes = Math.round(Number(match[1]) * multiplier);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}
