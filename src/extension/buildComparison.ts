import { compareProportions } from '../core/metrics/compareProportions';
import type { SliceMetrics } from '../core/metrics/types';
import { formatCount, formatDirection, formatMeasure, formatPercent, formatPointDifference, formatRate, formatTimestamp, shortSha } from '../core/report/format';
import type { TreeCommit, ViewThresholds } from '../shared/protocol';
import { deploymentCell } from './buildDeploymentText';

/**
 * A build against the one before it, as markdown: the figures side by side and the change
 * in hit rate with its interval (Newcombe's), so a shift is read with its uncertainty.
 */
export function buildComparison(model: string, before: TreeCommit, after: TreeCommit, t: ViewThresholds): string {
  const b = before.metrics;
  const a = after.metrics;
  const name = (c: TreeCommit) => `${shortSha(c.commit)}${c.subject ? ` ${c.subject.replace(/\|/g, '\\|')}` : ''}`;
  const row = (label: string, f: (m: SliceMetrics) => string) => `| ${label} | ${f(b)} | ${f(a)} |`;
  const diff = compareProportions(b.hitRate, a.hitRate);
  const thin = Math.min(b.hitRate.n, a.hitRate.n) < t.minSample;
  const lines = [
    `# ${model}: build ${shortSha(after.commit)} against the build before it`,
    '',
    `| | before: ${name(before)} | after: ${name(after)} |`,
    '|---|---|---|',
    `| committed | ${before.committedAt ? formatTimestamp(before.committedAt) : 'not in local git history'} | ${after.committedAt ? formatTimestamp(after.committedAt) : 'not in local git history'} |`,
    `| game dates | ${before.firstDate}..${before.lastDate} | ${after.firstDate}..${after.lastDate} |`,
    `| deployed as | ${deployed(before)} | ${deployed(after)} |`,
    row('predictions', (m) => formatCount(m.predictions)),
    row('graded', (m) => `${formatCount(m.graded)} (${formatPercent(m.gradingCoverage)})`),
    row('hit rate', (m) => formatRate(m.hitRate)),
    row('MAE', (m) => formatMeasure(m.mae, m.graded)),
    row('bias', (m) => formatMeasure(m.bias, m.graded)),
    row('std of error', (m) => formatMeasure(m.stdError, m.graded)),
    row('direction accuracy', (m) => formatDirection(m)),
    row('high-edge hit rate', (m) => formatRate(m.highEdgeHitRate)),
    '',
    `**Hit rate change:** ${formatPointDifference(diff)}${diff.difference === null ? '' : diff.significant ? ' — the 95% interval excludes zero.' : ' — the 95% interval includes zero: no evidence of a change.'}`,
  ];
  if (thin) lines.push('', `> Fewer than ${t.minSample} graded rows on one side: read the change as a hint, not a result.`);
  return `${lines.join('\n')}\n`;
}

function deployed(c: TreeCommit): string {
  return deploymentCell(c).replace(/\|/g, '\\|');
}
