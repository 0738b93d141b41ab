import type { ThresholdsConfig } from '../config/types';
import type { SliceMetrics } from '../metrics/types';
import { formatCount, formatPercent, formatRate } from '../report/format';
import type { DateWindow } from '../warehouse/catalog';
import { SEVERITY_WEIGHT, type Finding } from './types';

/** Models whose recent predictions are mostly ungraded: their hit rates cannot be trusted yet. */
export function gradingCoverageFindings(models: Array<{ model: string; metrics: SliceMetrics }>, window: DateWindow, thresholds: ThresholdsConfig): Finding[] {
  const low = models.filter((m) => m.metrics.predictions > 0 && (m.metrics.gradingCoverage ?? 0) < thresholds.gradingCoverage);
  if (low.length === 0) return [];
  low.sort((a, b) => (a.metrics.gradingCoverage ?? 0) - (b.metrics.gradingCoverage ?? 0));
  const ungraded = low.reduce((s, m) => s + m.metrics.predictions - m.metrics.graded, 0);
  return [
    {
      kind: 'grading-incomplete',
      severity: 'medium',
      score: SEVERITY_WEIGHT.medium + Math.min(899, Math.log10(1 + ungraded) * 100),
      title: `Grading is incomplete for ${low.length} model(s) in ${window.from}..${window.to}: ${low
        .slice(0, 3)
        .map((m) => `${m.model} ${formatCount(m.metrics.graded)}/${formatCount(m.metrics.predictions)}`)
        .join(', ')}${low.length > 3 ? ', …' : ''}`,
      evidence: low.map(
        (m) =>
          `${m.model}: ${formatCount(m.metrics.predictions)} predictions, ${formatCount(m.metrics.graded)} graded (${formatPercent(m.metrics.gradingCoverage)}; minimum ${formatPercent(
            thresholds.gradingCoverage,
            0,
          )}); hit rate so far ${formatRate(m.metrics.hitRate)}.`,
      ),
      subjects: { models: low.map((m) => m.model), dates: [window.from, window.to] },
      data: { window, models: low.map((m) => ({ model: m.model, predictions: m.metrics.predictions, graded: m.metrics.graded, coverage: m.metrics.gradingCoverage })) },
    },
  ];
}
