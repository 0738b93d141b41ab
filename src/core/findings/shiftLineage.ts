import { compareProportions, type ProportionDifference } from '../metrics/compareProportions';
import { wilson, type Proportion } from '../metrics/wilson';
import { formatPointDifference, formatRate, shortSha } from '../report/format';
import type { Row } from '../warehouse/types';
import type { Shift } from './metricShift';

/** Graded rows of one (feature build, scorer build) pair on one side of a shift. */
export interface LineageCell {
  period: 'before' | 'after';
  /** Full SHA when known locally, else as recorded; null when the rows do not record it. */
  scorer: string | null;
  /** null: the feature row was written by several builds, or (joined false) there was none. */
  feature: string | null;
  joined: boolean;
  hitRate: Proportion;
}

/** A build the rows implicate or clear, holding the other stage's build fixed. */
export interface LineageTest {
  stage: 'feature' | 'scorer';
  build: string;
  /** The other stage's build held fixed. */
  heldFixed: string;
  rows: Proportion;
  others: Proportion;
  difference: ProportionDifference;
  implicated: boolean;
}

export interface ShiftLineage {
  cells: LineageCell[];
  tests: LineageTest[];
  /** Feature builds the rows implicate, in the direction of the shift. */
  featureBuilds: string[];
  /** Scorer builds the rows implicate. */
  scorerBuilds: string[];
  /** True when every row after the split changed both builds at once: the rows cannot tell them apart. */
  confounded: boolean;
  evidence: string[];
}

/** The label of a build in evidence: its short SHA, or what the rows leave unknown. */
function label(build: string | null, joined = true): string {
  if (!joined) return 'no feature row';
  return build ? shortSha(build) : 'several or unrecorded builds';
}

function pool(cells: LineageCell[]): Proportion {
  const successes = cells.reduce((n, c) => n + c.hitRate.successes, 0);
  const n = cells.reduce((t, c) => t + c.hitRate.n, 0);
  return wilson(successes, n);
}

/**
 * Attributes a shift to the feature build and the scorer build by rows: each (feature build,
 * scorer build) cell's hit rate, then, holding one stage's build fixed, whether rows of one
 * build of the other stage differ from the rest in the direction of the shift (95% interval
 * of the difference excluding zero, with at least `minSample` graded rows on each side). A
 * scorer deploy that only coincides with a bad feature build shows no difference on rows of
 * the same feature build, and is cleared, saying on which rows.
 */
export function shiftLineage(
  shift: Pick<Shift, 'hitRate' | 'splitDay'>,
  rows: Row[],
  sha: (v: string | null) => string | null,
  minSample: number,
  featureStage: string | null,
): ShiftLineage {
  const cells: LineageCell[] = rows
    .map((r) => ({
      period: String(r.period) === 'before' ? ('before' as const) : ('after' as const),
      scorer: r.scorer_commit === null ? null : (sha(String(r.scorer_commit)) ?? String(r.scorer_commit)),
      feature: r.feature_commit === null ? null : (sha(String(r.feature_commit)) ?? String(r.feature_commit)),
      joined: r.joined === true || r.joined === 1 || r.joined === 'true',
      hitRate: wilson(Number(r.correct), Number(r.graded)),
    }))
    .filter((c) => c.hitRate.n > 0);
  const fell = (shift.hitRate.difference ?? 0) < 0;
  const known = cells.filter((c) => c.joined && c.feature !== null && c.scorer !== null);
  const tests: LineageTest[] = [];
  const test = (stage: 'feature' | 'scorer', build: string, heldFixed: string, mine: LineageCell[], rest: LineageCell[]) => {
    const rowsOf = pool(mine);
    const others = pool(rest);
    if (rowsOf.n < minSample || others.n < minSample) return;
    const difference = compareProportions(others, rowsOf);
    const inDirection = (difference.difference ?? 0) < 0 === fell;
    tests.push({ stage, build, heldFixed, rows: rowsOf, others, difference, implicated: difference.significant && inDirection });
  };
  const after = known.filter((c) => c.period === 'after');
  // Feature builds, each scorer build of the later side held fixed.
  for (const scorer of new Set(after.map((c) => c.scorer!))) {
    const same = known.filter((c) => c.scorer === scorer);
    for (const feature of new Set(after.filter((c) => c.scorer === scorer).map((c) => c.feature!))) {
      test(
        'feature',
        feature,
        scorer,
        same.filter((c) => c.feature === feature),
        same.filter((c) => c.feature !== feature),
      );
    }
  }
  // Scorer builds of the later side, each feature build held fixed.
  for (const feature of new Set(known.map((c) => c.feature!))) {
    const same = known.filter((c) => c.feature === feature);
    for (const scorer of new Set(after.filter((c) => c.feature === feature).map((c) => c.scorer!))) {
      test(
        'scorer',
        scorer,
        feature,
        same.filter((c) => c.scorer === scorer),
        same.filter((c) => c.scorer !== scorer),
      );
    }
  }
  const featureBuilds = [...new Set(tests.filter((t) => t.stage === 'feature' && t.implicated).map((t) => t.build))];
  const scorerBuilds = [...new Set(tests.filter((t) => t.stage === 'scorer' && t.implicated).map((t) => t.build))];
  const newFeatures = new Set(after.map((c) => c.feature)).size;
  const newScorers = new Set(after.map((c) => c.scorer)).size;
  const confounded = after.length > 0 && tests.length === 0;

  const evidence: string[] = [];
  const describe = (c: LineageCell) => `feature ${label(c.feature, c.joined)} × scorer ${label(c.scorer)} ${formatRate(c.hitRate)}`;
  for (const period of ['before', 'after'] as const) {
    const side = cells.filter((c) => c.period === period).sort((a, b) => b.hitRate.n - a.hitRate.n);
    if (side.length === 0) continue;
    const shown = side.slice(0, 6).map(describe).join('; ');
    evidence.push(
      `Rows by feature build × scorer build ${period === 'before' ? `before ${shift.splitDay}` : `from ${shift.splitDay}`}: ${shown}${side.length > 6 ? `; and ${side.length - 6} more` : ''}.`,
    );
  }
  const stageName = featureStage ? ` (${featureStage})` : '';
  for (const build of featureBuilds) {
    const t = tests.filter((x) => x.stage === 'feature' && x.build === build && x.implicated).sort((a, b) => b.rows.n - a.rows.n)[0];
    evidence.push(
      `Feature build ${shortSha(build)}${stageName} is behind the ${fell ? 'drop' : 'rise'}, by rows: with scorer build ${shortSha(t.heldFixed)} held fixed, rows that read it hit ${formatRate(t.rows)} against ${formatRate(t.others)} on other feature builds (${formatPointDifference(t.difference)}).`,
    );
  }
  for (const build of scorerBuilds) {
    const t = tests.filter((x) => x.stage === 'scorer' && x.build === build && x.implicated).sort((a, b) => b.rows.n - a.rows.n)[0];
    evidence.push(
      `Scorer build ${shortSha(build)} is behind the ${fell ? 'drop' : 'rise'}, by rows: on rows reading feature build ${shortSha(t.heldFixed)}, it hit ${formatRate(t.rows)} against ${formatRate(t.others)} by other scorer builds (${formatPointDifference(t.difference)}).`,
    );
  }
  // A build is cleared only when its interval rules out a change half the shift's size: "no
  // significant difference" on a few dozen rows is no evidence of innocence.
  const half = Math.abs(shift.hitRate.difference ?? 0) / 2;
  const rulesOut = (t: LineageTest) => (fell ? t.difference.low > -half : t.difference.high < half);
  const notImplicated = tests.filter((t) => t.stage === 'scorer' && !t.implicated && !scorerBuilds.includes(t.build)).sort((a, b) => b.rows.n - a.rows.n);
  for (const build of new Set(notImplicated.map((t) => t.build))) {
    const t = notImplicated.find((x) => x.build === build && rulesOut(x)) ?? notImplicated.find((x) => x.build === build)!;
    const where = `on rows reading feature build ${shortSha(t.heldFixed)}, it hit ${formatRate(t.rows)} against ${formatRate(t.others)} by other scorer builds (${formatPointDifference(t.difference)})`;
    const size = `${(half * 200).toFixed(1)} pts`;
    evidence.push(
      rulesOut(t)
        ? `Scorer build ${shortSha(build)} is not behind the ${fell ? 'drop' : 'rise'}, by rows: ${where}; the interval rules out a ${fell ? 'drop' : 'rise'} of half the shift's size.`
        : `Scorer build ${shortSha(build)} is neither implicated nor cleared by rows: ${where}; the interval still allows a ${fell ? 'drop' : 'rise'} as large as the shift's ${size}, so more rows of it on one feature build would tell.`,
    );
  }
  if (confounded) {
    evidence.push(
      newFeatures === 1 && newScorers === 1
        ? `From ${shift.splitDay} every graded row was made by one scorer build reading one feature build: the rows cannot tell which of the two is behind the shift.`
        : `From ${shift.splitDay} no feature build or scorer build has ${minSample} graded rows beside others of the same build of the other stage: the rows cannot tell the two apart.`,
    );
  }
  const unjoined = cells.filter((c) => !c.joined).reduce((n, c) => n + c.hitRate.n, 0);
  if (unjoined > 0) evidence.push(`${unjoined} graded row(s) have no feature row under tables.predictions.featureJoin: left out of the attribution.`);
  return { cells, tests, featureBuilds, scorerBuilds, confounded, evidence };
}
