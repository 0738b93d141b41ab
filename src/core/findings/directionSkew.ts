import type { ThresholdsConfig } from '../config/types';
import { compareProportions } from '../metrics/compareProportions';
import { wilson, Z95 } from '../metrics/wilson';
import { formatPercent, formatPointDifference, formatRate } from '../report/format';
import type { Row } from '../warehouse/types';
import { SEVERITY_WEIGHT, type Finding } from './types';

const MIN_CALLS = 20;

interface SkewDay {
  day: string;
  over: number;
  under: number;
  graded: number;
  correct: number;
  overOutcomes: number | null;
  underOutcomes: number | null;
}

/**
 * Days where a model's calls lean one way more than the outcomes themselves do, and how
 * those days scored against the others. The yardstick is the outcome's own base rate over
 * the model's graded rows (how often the result landed above the line), not an even split:
 * where the line is a decision threshold, predictions naturally sit on the side the
 * outcomes do, and a skew on every day would be noise. A day counts only when its lean is
 * both large (the configured share above an even split, measured from the base rate) and
 * beyond chance for its number of calls.
 */
export function directionSkewFindings(rows: Row[], thresholds: ThresholdsConfig): Finding[] {
  const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const byModel = new Map<string, SkewDay[]>();
  for (const r of rows) {
    const list = byModel.get(String(r.model)) ?? [];
    list.push({
      day: String(r.day),
      over: Number(r.over_calls),
      under: Number(r.under_calls),
      graded: Number(r.graded),
      correct: Number(r.correct),
      overOutcomes: orNull(r.over_outcomes),
      underOutcomes: orNull(r.under_outcomes),
    });
    byModel.set(String(r.model), list);
  }
  const margin = Math.max(0, thresholds.directionSkew - 0.5);
  const findings: Finding[] = [];
  for (const [model, days] of byModel) {
    const known = days.filter((d) => d.overOutcomes !== null && d.underOutcomes !== null);
    const outcomes = known.reduce((s, d) => s + d.overOutcomes! + d.underOutcomes!, 0);
    const overOutcomes = known.reduce((s, d) => s + d.overOutcomes!, 0);
    const hasBase = outcomes >= thresholds.minSample;
    const base = hasBase ? overOutcomes / outcomes : 0.5;
    const considered = days.filter((d) => d.over + d.under >= MIN_CALLS);
    const skewed = considered.filter((d) => {
      const n = d.over + d.under;
      const lean = d.over / n - base;
      const se = Math.sqrt(Math.max(base * (1 - base), 1e-6) / n);
      return Math.abs(lean) >= margin && Math.abs(lean) / se >= Z95;
    });
    if (skewed.length === 0) continue;
    const balanced = considered.filter((d) => !skewed.includes(d));
    const sum = (list: SkewDay[], k: 'graded' | 'correct') => list.reduce((s, d) => s + d[k], 0);
    const skewedRate = wilson(sum(skewed, 'correct'), sum(skewed, 'graded'));
    const balancedRate = wilson(sum(balanced, 'correct'), sum(balanced, 'graded'));
    const diff = compareProportions(balancedRate, skewedRate);
    const underDays = skewed.filter((d) => d.over / (d.over + d.under) < base).length;
    const severity = diff.significant && (diff.difference ?? 0) < 0 ? 'medium' : 'low';
    const yardstick = hasBase
      ? `the outcomes' own ${formatPercent(base)} OVER rate (${overOutcomes} of ${outcomes} graded results above the line)`
      : 'an even split (too few graded results with a known side of the line to measure the base rate)';
    findings.push({
      kind: 'direction-skew',
      severity,
      score: SEVERITY_WEIGHT[severity] - 200 + Math.min(799, skewed.length * 10),
      title: `${model}: ${skewed.length} day(s) whose calls leaned ≥${Math.round(margin * 100)} pts off ${hasBase ? `the outcomes' ${formatPercent(base, 0)} OVER rate` : 'an even split'} (${underDays} UNDER-heavy); they hit ${formatRate(
        skewedRate,
      )} vs ${formatRate(balancedRate)} on the other days`,
      evidence: [
        `Judged against ${yardstick}, over ${considered.length} day(s) with ${MIN_CALLS}+ calls.`,
        ...skewed
          .slice(0, 8)
          .map((d) => `${d.day}: ${d.under} under / ${d.over} over (${formatPercent(d.over / (d.over + d.under))} over); ${formatRate(wilson(d.correct, d.graded))}.`),
        `Skewed minus other days: ${formatPointDifference(diff)}${diff.significant ? '' : ' (interval includes zero)'}.`,
      ],
      subjects: { models: [model], dates: skewed.map((d) => d.day) },
      data: { model, baseRate: hasBase ? base : null, skewedDays: skewed, skewedRate, balancedRate, difference: diff },
    });
  }
  return findings;
}
