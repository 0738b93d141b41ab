import type { ThresholdsConfig } from '../config/types';
import { formatPercent } from '../report/format';
import type { Row } from '../warehouse/types';
import { SEVERITY_WEIGHT, type Finding } from './types';

/** Dates on which fewer of the expected entities had features than the threshold asks. */
export function featureStoreFindings(rows: Row[], thresholds: ThresholdsConfig): Finding[] {
  const days = rows.map((r) => ({ day: String(r.day), expected: Number(r.expected), present: Number(r.with_features) }));
  const short = days.filter((d) => d.expected > 0 && d.present / d.expected < thresholds.featureStoreCompleteness);
  if (short.length === 0) return [];
  const worst = short.reduce((w, d) => (d.present / d.expected < w.present / w.expected ? d : w));
  const missing = short.reduce((s, d) => s + d.expected - d.present, 0);
  return [
    {
      kind: 'feature-store-incomplete',
      severity: 'medium',
      score: SEVERITY_WEIGHT.medium - 50 + Math.min(899, short.length * 10 + Math.log10(1 + missing) * 50),
      title: `Feature store incomplete on ${short.length} date(s): worst ${worst.day} with ${worst.present}/${worst.expected} expected entities (${formatPercent(worst.present / worst.expected)})`,
      evidence: short.slice(0, 10).map((d) => `${d.day}: ${d.present} of ${d.expected} expected have features (${formatPercent(d.present / d.expected)}).`),
      subjects: { dates: short.map((d) => d.day) },
      data: { dates: short, threshold: thresholds.featureStoreCompleteness },
    },
  ];
}
