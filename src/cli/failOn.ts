import type { Finding, Severity } from '../core/findings/types';

/** Levels a scheduler can fail on: `critical` only, or `warning` (anything but a low note). */
export type FailLevel = 'critical' | 'warning';

export const FAIL_LEVELS: readonly FailLevel[] = ['critical', 'warning'];

const FAILING: Record<FailLevel, ReadonlySet<Severity>> = {
  critical: new Set(['critical']),
  warning: new Set(['critical', 'high', 'medium']),
};

export interface FailOnVerdict {
  level: FailLevel;
  /** Findings at the level or above. */
  matched: number;
  /** 1 when any finding is at the level, else 0. */
  exitCode: 0 | 1;
  summary: string;
}

/** Whether `investigate --fail-on LEVEL` should fail the job, and a line saying why. */
export function failOnVerdict(findings: Finding[], level: FailLevel): FailOnVerdict {
  const matched = findings.filter((f) => FAILING[level].has(f.severity));
  const counts = [...FAILING[level]].map((s) => [s, matched.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const summary = matched.length
    ? `--fail-on ${level}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')} finding${matched.length === 1 ? '' : 's'}: exit 1.`
    : `--fail-on ${level}: no finding at ${level === 'critical' ? 'critical' : 'medium'} severity or above: exit 0.`;
  return { level, matched: matched.length, exitCode: matched.length ? 1 : 0, summary };
}
