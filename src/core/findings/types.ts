export type FindingKind =
  | 'deployment-gap'
  | 'metric-shift'
  | 'feature-zero-rate'
  | 'feature-frozen'
  | 'feature-coverage-drop'
  | 'grading-incomplete'
  | 'feature-store-incomplete'
  | 'direction-skew'
  | 'model-family-overlap'
  | 'model-artifact-changed'
  | 'model-artifact-mismatch'
  | 'model-never-served';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** Orders findings: higher first. Severity dominates; within it, the weight of evidence. */
  score: number;
  title: string;
  /** Lines of evidence, each with its numbers (rates with interval and n). */
  evidence: string[];
  /** What the finding concerns, for jumping to it from an editor. */
  subjects: { commits?: string[]; models?: string[]; dates?: string[]; features?: number[]; services?: string[] };
  /** The figures behind the finding, for --json consumers. */
  data: Record<string, unknown>;
}

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 4000, high: 3000, medium: 2000, low: 1000 };

export function rank(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
}
