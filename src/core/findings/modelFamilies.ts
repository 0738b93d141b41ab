import { formatCount } from '../report/format';
import { SEVERITY_WEIGHT, type Finding } from './types';

export interface ModelActivity {
  model: string;
  firstDay: string;
  lastDay: string;
  predictions: number;
}

/** The family a model id belongs to: the pattern's first match, or the id itself. */
export function modelFamily(model: string, pattern: string): string {
  const match = new RegExp(pattern, 'i').exec(model);
  return (match?.[0] ?? model).toLowerCase();
}

/** Several ids of one family producing predictions on the same days: which one is "the" model? */
export function modelFamilyFindings(activity: ModelActivity[], pattern: string): Finding[] {
  const families = new Map<string, ModelActivity[]>();
  for (const a of activity) {
    const key = modelFamily(a.model, pattern);
    families.set(key, [...(families.get(key) ?? []), a]);
  }
  const findings: Finding[] = [];
  for (const [family, members] of families) {
    if (members.length < 2) continue;
    const overlapFrom = members
      .map((m) => m.firstDay)
      .sort()
      .reverse()[0];
    const overlapTo = members.map((m) => m.lastDay).sort()[0];
    // Only ids that actually ran side by side: a retired id followed by its successor is not ambiguous.
    const concurrent = members.filter((m) => members.some((o) => o !== m && o.firstDay <= m.lastDay && m.firstDay <= o.lastDay));
    if (concurrent.length < 2) continue;
    findings.push({
      kind: 'model-family-overlap',
      severity: 'low',
      score: SEVERITY_WEIGHT.low + concurrent.length * 10,
      title: `${concurrent.length} model ids of family "${family}" were active at once: ${concurrent.map((m) => m.model).join(', ')}`,
      evidence: concurrent
        .map((m) => `${m.model}: ${formatCount(m.predictions)} predictions, ${m.firstDay}..${m.lastDay}.`)
        .concat(overlapFrom <= overlapTo ? [`All overlap on ${overlapFrom}..${overlapTo}; make sure reports and backfills name the id they mean.`] : []),
      subjects: { models: concurrent.map((m) => m.model) },
      data: { family, models: concurrent },
    });
  }
  return findings;
}
