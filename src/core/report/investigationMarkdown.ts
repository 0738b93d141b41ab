import type { Finding, Severity } from '../findings/types';
import type { ChartPoint } from './hitRateChart';
import type { DateWindow } from '../warehouse/catalog';
import { commandLink, escapeProse } from './markdown';
import { headline } from './shortLabel';

export interface InvestigationReportInput {
  window: DateWindow;
  models?: string[] | null;
  findings: Finding[];
  skipped: string[];
}

/** A link a finding's section ends with: the editor's commands, never written into a file. */
export interface ReportLink {
  title: string;
  command: string;
  args: unknown[];
}

export interface InvestigationMarkdownOptions {
  /** Where the figures came from: said under the title, so a reader of the file can trace them. */
  source?: { configFile: string; warehouse: string };
  /** When the report was made (ISO); a handoff note is read long after. */
  generatedAt?: string;
  /** The editor's links for a finding (provenance, timeline, verify); none in a file or the CLI. */
  links?: (finding: Finding) => ReportLink[];
  /** The hit-rate chart of a note: its figures, written as a table under the image so the note reads without it. */
  chart?: NoteChart;
}

/**
 * A note's chart: the SVG file beside it (linked as `./<file>`), or why there is none (no
 * graded day, the note printed rather than written, the timeline not read), and its figures.
 */
export interface NoteChart {
  image: { file: string; alt: string } | { missing: string };
  points: ChartPoint[];
}

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

/**
 * The investigation as one markdown document: a summary of the findings by severity, every
 * finding in full (its sentence, its evidence with n and intervals, the commits, models,
 * dates and features it concerns), what could not be checked, and the open items. The CLI's
 * `investigate --markdown`, the editor's report panel and the handoff note are this text;
 * commit SHAs are written whole so the editor's lenses annotate the note.
 */
export function investigationMarkdown(result: InvestigationReportInput, options: InvestigationMarkdownOptions = {}): string {
  const out: string[] = [];
  const { window } = result;
  out.push(`# Investigation of ${window.from} → ${window.to}`, '');
  const about = [
    result.models?.length ? `models ${result.models.map((m) => `\`${m.replace(/`/g, '')}\``).join(', ')}` : 'every model',
    options.source ? `config ${escapeProse(options.source.configFile)}` : null,
    options.source ? `warehouse ${escapeProse(options.source.warehouse)}` : null,
    options.generatedAt ? `generated ${options.generatedAt.slice(0, 16).replace('T', ' ')} UTC` : null,
  ].filter((x): x is string => x !== null);
  out.push(`_${about.join(' · ')}_`, '');

  out.push('## Summary', '');
  if (result.findings.length === 0) {
    out.push(
      result.skipped.length ? 'No findings from the detectors that ran; some could not run (below).' : 'No findings: every detector ran and found nothing above its thresholds.',
      '',
    );
  } else {
    const counts = SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    out.push(`${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}.`, '');
    out.push('| # | severity | finding |', '|---|---|---|');
    result.findings.forEach((f, i) => out.push(`| ${i + 1} | ${f.severity} | ${escapeProse(headline(f.title))} |`));
    out.push('');
  }

  if (options.chart) out.push(...chartSection(options.chart));

  if (result.findings.length) out.push('## Findings', '');
  result.findings.forEach((f, i) => {
    out.push(`### ${i + 1}. [${f.severity}] ${escapeProse(headline(f.title))}`, '');
    out.push(escapeProse(f.title), '');
    for (const line of f.evidence) out.push(`- ${escapeProse(line)}`);
    if (f.evidence.length) out.push('');
    const subjects = subjectLines(f);
    if (subjects.length) out.push(...subjects, '');
    const links = options.links?.(f) ?? [];
    if (links.length) out.push(links.map((l) => commandLink(l.title, l.command, ...l.args)).join(' · '), '');
  });

  if (result.skipped.length) {
    out.push('## Not checked', '');
    for (const s of result.skipped) out.push(`- ${escapeProse(s)}`);
    out.push('');
  }

  out.push('## Open items', '');
  const open = [
    ...result.findings
      .filter((f) => f.severity === 'critical' || f.severity === 'high')
      .map((f) => `- [ ] ${escapeProse(headline(f.title))} (finding ${result.findings.indexOf(f) + 1})`),
    ...result.skipped.map((s) => `- [ ] Not checked: ${escapeProse(s)}`),
  ];
  out.push(...(open.length ? open : ['- none: no critical or high finding, and every detector ran.']), '');
  return out.join('\n');
}

function chartSection(chart: NoteChart): string[] {
  const out = ['## Hit rate by game date', ''];
  if ('file' in chart.image) out.push(`![${escapeProse(chart.image.alt)}](./${encodeURIComponent(chart.image.file)})`, '');
  else out.push(`_${escapeProse(chart.image.missing)}_`, '');
  if (!chart.points.length) return out;
  const pct = (share: number) => (share * 100).toFixed(1);
  out.push('| model | game date | hit rate | n (graded) | 95% interval | predictions |', '|---|---|---|---|---|---|');
  for (const p of chart.points) {
    const h = p.hitRate;
    out.push(`| ${escapeProse(p.model)} | ${p.date} | ${pct(h.rate!)}% | ${h.n} | [${pct(h.low)}, ${pct(h.high)}] | ${p.predictions} |`);
  }
  out.push('');
  return out;
}

function subjectLines(f: Finding): string[] {
  const s = f.subjects;
  const lines: string[] = [];
  if (s.commits?.length) lines.push(`Commits: ${s.commits.map((c) => `\`${c}\``).join(', ')}  `);
  if (s.services?.length) lines.push(`Services: ${s.services.map(escapeProse).join(', ')}  `);
  if (s.models?.length) lines.push(`Models: ${s.models.map(escapeProse).join(', ')}  `);
  if (s.dates?.length) lines.push(`Dates: ${s.dates.length > 8 ? `${s.dates.slice(0, 8).join(', ')}, … ${s.dates.length - 8} more` : s.dates.join(', ')}  `);
  if (s.features?.length) lines.push(`Features: ${s.features.join(', ')}  `);
  if (lines.length) lines[lines.length - 1] = lines[lines.length - 1].trimEnd();
  return lines;
}
