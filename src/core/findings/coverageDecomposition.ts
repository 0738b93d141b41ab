import { type GroupCount, type RateDecomposition } from '../metrics/rateDecomposition';
import { formatCount, formatTimestamp, shortSha } from '../report/format';
import type { Row } from '../warehouse/types';
import { groupData, groupLine, sideRate, signedPoints } from './decompositionLines';
import type { Finding } from './types';

/*
 * A coverage drop told apart into who is in the population and how well each group is
 * covered: a backfill that widens the entity list lowers coverage without any group getting
 * worse, and a source that stops covering some entities lowers it with the same population.
 * The groups are whether an entity was on the expected list for its date, the one split every
 * config with tables.expected can make.
 */

/** The build that wrote the last rows before the change and the first rows at it, and where that build was deployed. */
export interface ChangePoint {
  before: string | null;
  at: string | null;
  deployment: { service: string; revision: string; createdAt: string } | null;
}

/** Rows of coverageByExpectedQuery as the two sides of the change. */
export function coverageGroups(rows: Row[]): { before: GroupCount[]; after: GroupCount[] } {
  const side = (period: string) => rows.filter((r) => r.period === period).map((r): GroupCount => ({ group: String(r.grp), n: Number(r.row_count), hits: Number(r.positive) }));
  return { before: side('before'), after: side('after') };
}

const pointSize = (share: number) => `${(Math.abs(share) * 100).toFixed(1)}-point`;

/** Rows per day on each side, where the days are known: the size of the population at a glance. */
function perDay(d: RateDecomposition, days: { before: number; after: number }): string {
  if (days.before === 0 || days.after === 0) return '';
  return ` (rows per day ${formatCount(Math.round(d.before.n / days.before))} → ${formatCount(Math.round(d.after.n / days.after))})`;
}

/** Adds the decomposition (and the build at the change point, when known) to a coverage-drop finding. */
export function withDecomposition(finding: Finding, feature: string, d: RateDecomposition, change: ChangePoint, days: { before: number; after: number }): Finding {
  if (d.before.n === 0 || d.after.n === 0 || d.change.difference === null) return finding;
  const direction = d.change.difference < 0 ? 'drop' : 'rise';
  const parts = [
    { share: d.within, text: 'coverage within groups' },
    { share: d.mix, text: `who is in the population${perDay(d, days)}` },
  ];
  if (d.dominant === 'mix') parts.reverse();
  const evidence = [
    `Of the ${pointSize(d.change.difference)} ${direction} in ${feature} coverage (${sideRate(d.before)} → ${sideRate(d.after)}), ${parts.map((p) => `${signedPoints(p.share)} points come from ${p.text}`).join(' and ')}; rows grouped by whether the entity is on the expected list (tables.expected): mostly ${
      d.dominant === 'mix' ? 'a population change' : 'a change within groups'
    }.`,
    ...d.groups.map((g) => groupLine(g, { rows: 'rows', measure: 'covered', mix: 'population' })),
  ];
  if (change.at && change.at !== change.before) {
    const deployed = change.deployment
      ? `, deployed to ${change.deployment.service} as ${change.deployment.revision} at ${formatTimestamp(change.deployment.createdAt)}`
      : ', with no recorded deployment';
    evidence.push(
      `At the change point build ${shortSha(change.at)} wrote the first rows${change.before ? ` (build ${shortSha(change.before)} wrote the last ones before)` : ''}${deployed}.`,
    );
  }
  const groups = d.groups.map((g) => groupData(g, 'covered'));
  return {
    ...finding,
    evidence: [...finding.evidence.slice(0, 2), ...evidence, ...finding.evidence.slice(2)],
    subjects:
      change.at && !(finding.subjects.commits ?? []).includes(change.at) ? { ...finding.subjects, commits: [...(finding.subjects.commits ?? []), change.at] } : finding.subjects,
    data: {
      ...finding.data,
      decomposition: {
        groupedBy: 'expected',
        before: { n: d.before.n, covered: d.before.successes, rate: d.before.rate },
        after: { n: d.after.n, covered: d.after.successes, rate: d.after.rate },
        change: d.change.difference,
        mix: d.mix,
        within: d.within,
        dominant: d.dominant,
        days,
        groups,
        changePoint: change.at ? change : null,
      },
    },
  };
}
