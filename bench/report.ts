import { readFile, writeFile } from 'node:fs/promises';
import { formatMeasure, formatRatio, formatStatus, type Figure } from './figures';
import { machineLine, type MachineInfo } from './machine';

export interface BenchReport {
  version: 1;
  startedAt: string;
  durationSeconds: number;
  mode: 'full' | 'quick';
  machine: MachineInfo;
  figures: Figure[];
}

const HEADERS = ['Figure', 'Product', 'Baseline', 'Ratio', 'Goal', 'Status'];

function cells(figure: Figure): string[] {
  return [
    `${figure.group}: ${figure.title}`,
    formatMeasure(figure.product),
    formatMeasure(figure.baseline),
    formatRatio(figure.ratio),
    figure.goal || '—',
    formatStatus(figure.status) || '—',
  ];
}

/** The table as printed on the terminal, notes after it. */
export function textReport(report: BenchReport): string {
  const rows = report.figures.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [
    `Pipeline Lens benchmarks (${report.mode}), ${report.startedAt}, ${report.durationSeconds.toFixed(0)} s`,
    `Machine: ${machineLine(report.machine)}`,
    '',
    line(HEADERS),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'Notes:',
    ...report.figures.flatMap((f) => f.notes.map((n) => `  [${f.id}] ${n}`)),
  ];
  return `${out.join('\n')}\n`;
}

/** The same table in Markdown, for bench/README.md. */
export function markdownReport(report: BenchReport): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const out = [
    `Measured ${report.startedAt.slice(0, 10)} in ${report.durationSeconds.toFixed(0)} s on ${escape(machineLine(report.machine))}.`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...report.figures.map((f) => `| ${cells(f).map(escape).join(' | ')} |`),
    '',
    ...report.figures.flatMap((f) => f.notes.map((n) => `- \`${f.id}\`: ${escape(n)}`)),
  ];
  return out.join('\n');
}

export const RESULTS_START = '<!-- bench:results:start -->';
export const RESULTS_END = '<!-- bench:results:end -->';

/** Replaces the results section of bench/README.md; the prose around it stays as written. */
export async function updateReadme(file: string, report: BenchReport): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return false;
  const start = text.indexOf(RESULTS_START);
  const end = text.indexOf(RESULTS_END);
  if (start === -1 || end < start) return false;
  const updated = `${text.slice(0, start + RESULTS_START.length)}\n${markdownReport(report)}\n${text.slice(end)}`;
  await writeFile(file, updated);
  return true;
}
