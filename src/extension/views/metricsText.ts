import * as vscode from 'vscode';
import type { SliceMetrics } from '../../core/metrics/types';
import { formatCount, formatDirection, formatMeasure, formatPercent, formatRate } from '../../core/report/format';
import type { ViewThresholds } from '../../shared/protocol';

/**
 * A tree row's label holds the name and the one number that matters (`catboost_v8 58.5%`),
 * short enough for the default sidebar; the interval and n follow at once in the
 * description (`[43.4, 72.2] n=41 · …`), so the rate is never read without them.
 */
export function rateLabel(name: string, m: SliceMetrics): string {
  const p = m.hitRate;
  if (p === null) return `${name} · not recorded`;
  if (p.rate === null) return name;
  return `${name} ${(p.rate * 100).toFixed(1)}%`;
}

/** What follows a `rateLabel`, the rate's interval and n first: `[46.8, 54.4] n=668 · MAE 5.80 · graded 29%`. */
export function rateDescription(m: SliceMetrics): string {
  const p = m.hitRate;
  const interval = p === null ? null : p.rate === null ? 'no sample (n=0)' : `[${(p.low * 100).toFixed(1)}, ${(p.high * 100).toFixed(1)}] n=${p.n}`;
  return [interval, `MAE ${formatMeasure(m.mae, m.graded)}`, `graded ${formatPercent(m.gradingCoverage, 0)}`].filter((x): x is string => x !== null).join(' · ');
}

export type Judgement = 'good' | 'bad' | 'thin' | 'ungraded' | 'none';

/**
 * How a slice compares with the config's thresholds. A sample below minSample is not
 * judged at all: colouring 41 graded rows green or red would claim what they cannot show.
 */
export function judge(m: SliceMetrics, t: ViewThresholds): Judgement {
  if (m.hitRate.rate === null) return 'none';
  if (m.hitRate.n < t.minSample) return 'thin';
  if (m.hitRate.rate < t.hitRate) return 'bad';
  if (m.gradingCoverage !== null && m.gradingCoverage < t.gradingCoverage) return 'ungraded';
  return 'good';
}

const COLOURS: Record<Judgement, string> = {
  good: 'charts.green',
  bad: 'charts.red',
  ungraded: 'charts.yellow',
  thin: 'disabledForeground',
  none: 'disabledForeground',
};

export function judgementIcon(icon: string, judgement: Judgement): vscode.ThemeIcon {
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(COLOURS[judgement]));
}

const MEANING: Record<Judgement, string> = {
  good: 'at or above the hit-rate threshold',
  bad: 'below the hit-rate threshold',
  ungraded: 'hit rate fine, but grading coverage below its threshold: the rate may still move',
  thin: 'too few graded rows to judge',
  none: 'nothing graded yet',
};

export function metricsTooltip(title: string, m: SliceMetrics, t: ViewThresholds, extra: string[] = []): vscode.MarkdownString {
  const judgement = judge(m, t);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(title)}**\n\n`);
  const rows: Array<[string, string]> = [
    ['hit rate', `${formatRate(m.hitRate)} (threshold ${formatPercent(t.hitRate, 0)})`],
    ['predictions', formatCount(m.predictions)],
    ['graded', `${formatCount(m.graded)} (${formatPercent(m.gradingCoverage, 1)}; threshold ${formatPercent(t.gradingCoverage, 0)})`],
    ['MAE', formatMeasure(m.mae, m.graded)],
    ['bias', formatMeasure(m.bias, m.graded)],
    ['std of error', formatMeasure(m.stdError, m.graded)],
    ['direction accuracy', formatDirection(m)],
    ['high-edge hit rate', formatRate(m.highEdgeHitRate)],
  ];
  md.appendMarkdown('| | |\n|---|---|\n');
  for (const [k, v] of rows) md.appendMarkdown(`| ${k} | ${escape(v)} |\n`);
  md.appendMarkdown(`\n$(circle-filled) ${MEANING[judgement]}\n`);
  for (const line of extra) md.appendMarkdown(`\n${line}\n`);
  return md;
}

function escape(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
}
