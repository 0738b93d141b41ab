import { readFile, writeFile } from 'node:fs/promises';
import { formatFloorRatio, formatMeasure, formatRatio, formatStatus, type Figure } from './figures';
import { machineLine, type MachineInfo } from './machine';

export interface BenchReport {
  version: 2;
  startedAt: string;
  durationSeconds: number;
  mode: 'full' | 'quick';
  /** The repository measured: the generated history, or the one BENCH_REPO named. */
  history: string;
  machine: MachineInfo;
  figures: Figure[];
}

const HEADERS = ['Figure', 'Product', 'Baseline', 'Ratio', 'Floor', 'Over floor', 'Goal', 'Status'];

function cells(figure: Figure): string[] {
  return [
    `${figure.group}: ${figure.title}`,
    formatMeasure(figure.product),
    formatMeasure(figure.baseline),
    formatRatio(figure.ratio),
    formatMeasure(figure.floor ?? null),
    formatFloorRatio(figure),
    figure.goal || '—',
    formatStatus(figure.status) || '—',
  ];
}

/** The table as printed on the terminal, notes after it. */
export function textReport(report: BenchReport): string {
  const rows = report.figures.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [
    `Pipeline Lens benchmarks (${report.mode}), ${report.startedAt}, ${report.durationSeconds.toFixed(0)} s`,
    `History: ${report.history}`,
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
    `History: ${escape(report.history)}.`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...report.figures.map((f) => `| ${cells(f).map(escape).join(' | ')} |`),
    '',
    ...report.figures.flatMap((f) => f.notes.map((n) => `- \`${f.id}\`: ${escape(n)}`)),
  ];
  return out.join('\n');
}

/** The README section a run rewrites: one for the generated history, one for a BENCH_REPO run. */
export type ResultsSection = 'results' | 'repo-results';

/** Replaces a results section of bench/README.md; the prose around it stays as written. */
export async function updateReadme(file: string, report: BenchReport, section: ResultsSection = 'results'): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return false;
  const startMarker = `<!-- bench:${section}:start -->`;
  const start = text.indexOf(startMarker);
  const end = text.indexOf(`<!-- bench:${section}:end -->`);
  if (start === -1 || end < start) return false;
  const updated = `${text.slice(0, start + startMarker.length)}\n${markdownReport(report)}\n${text.slice(end)}`;
  await writeFile(file, updated);
  return true;
}
