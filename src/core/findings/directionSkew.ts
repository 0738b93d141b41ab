import type { ThresholdsConfig } from '../config/types';
import { compareProportions } from '../metrics/compareProportions';
import { wilson } from '../metrics/wilson';
import { formatPointDifference, formatRate } from '../report/format';
import type { Row } from '../warehouse/types';
import { SEVERITY_WEIGHT, type Finding } from './types';

const MIN_CALLS = 20;

/** Days where a model's calls lean heavily one way, and how those days scored against balanced ones. */
export function directionSkewFindings(rows: Row[], thresholds: ThresholdsConfig): Finding[] {
  const byModel = new Map<string, Array<{ day: string; over: number; under: number; graded: number; correct: number }>>();
  for (const r of rows) {
    const list = byModel.get(String(r.model)) ?? [];
    list.push({ day: String(r.day), over: Number(r.over_calls), under: Number(r.under_calls), graded: Number(r.graded), correct: Number(r.correct) });
    byModel.set(String(r.model), list);
  }
  const findings: Finding[] = [];
  for (const [model, days] of byModel) {
    const considered = days.filter((d) => d.over + d.under >= MIN_CALLS);
    const skewed = considered.filter((d) => Math.max(d.over, d.under) / (d.over + d.under) >= thresholds.directionSkew);
    if (skewed.length === 0) continue;
    const balanced = considered.filter((d) => !skewed.includes(d));
    const sum = (list: typeof days, k: 'graded' | 'correct') => list.reduce((s, d) => s + d[k], 0);
    const skewedRate = wilson(sum(skewed, 'correct'), sum(skewed, 'graded'));
    const balancedRate = wilson(sum(balanced, 'correct'), sum(balanced, 'graded'));
    const diff = compareProportions(balancedRate, skewedRate);
    const underDays = skewed.filter((d) => d.under > d.over).length;
    findings.push({
      kind: 'direction-skew',
      severity: diff.significant && (diff.difference ?? 0) < 0 ? 'medium' : 'low',
      score: SEVERITY_WEIGHT[diff.significant && (diff.difference ?? 0) < 0 ? 'medium' : 'low'] - 200 + Math.min(799, skewed.length * 10),
      title: `${model}: ${skewed.length} day(s) with ≥${Math.round(thresholds.directionSkew * 100)}% of calls one way (${underDays} UNDER-heavy); they hit ${formatRate(skewedRate)} vs ${formatRate(
        balancedRate,
      )} on balanced days`,
      evidence: [
        ...skewed.slice(0, 8).map((d) => `${d.day}: ${d.under} under / ${d.over} over; ${formatRate(wilson(d.correct, d.graded))}.`),
        `Skewed minus balanced: ${formatPointDifference(diff)}${diff.significant ? '' : ' (interval includes zero)'}.`,
      ],
      subjects: { models: [model], dates: skewed.map((d) => d.day) },
      data: { model, skewedDays: skewed, skewedRate, balancedRate, difference: diff },
    });
  }
  return findings;
}
