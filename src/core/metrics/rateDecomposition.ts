import { compareProportions, type ProportionDifference } from './compareProportions';
import { wilson, type Proportion } from './wilson';

/** One group's rows on one side of a change: how many, and how many count as hits (covered, correct). */
export interface GroupCount {
  group: string;
  n: number;
  hits: number;
}

export interface GroupChange {
  group: string;
  before: Proportion & { share: number };
  after: Proportion & { share: number };
  /** What the change in this group's share of the rows added to the overall change, in rate units. */
  mix: number;
  /** What the change of the rate inside this group added. */
  within: number;
}

/**
 * A change of a rate split into population mix (which rows are in the denominator) and
 * within-group change (how the rate moved inside each group): Kitagawa's symmetric
 * shift-share, where `mix + within` is the whole change exactly, and no side is privileged.
 */
export interface RateDecomposition {
  before: Proportion;
  after: Proportion;
  change: ProportionDifference;
  mix: number;
  within: number;
  /** Groups by the size of their part in the change, largest first. */
  groups: GroupChange[];
  /** Which part is the larger, when both sides have rows. */
  dominant: 'mix' | 'within' | null;
}

/**
 * Kitagawa's decomposition of R₂ − R₁, where Rₖ = Σ_g wₖ(g)·rₖ(g):
 * mix = Σ (w₂ − w₁)·(r₁ + r₂)/2, within = Σ (r₂ − r₁)·(w₁ + w₂)/2.
 * A group present on one side only has no rate on the other; it takes its own rate there, so
 * its appearing or vanishing is all mix (a backfill that adds players without lines).
 */
export function decomposeRate(before: GroupCount[], after: GroupCount[]): RateDecomposition {
  const total = (side: GroupCount[]) => side.reduce((s, g) => ({ n: s.n + g.n, hits: s.hits + g.hits }), { n: 0, hits: 0 });
  const t1 = total(before);
  const t2 = total(after);
  const b = wilson(t1.hits, t1.n);
  const a = wilson(t2.hits, t2.n);
  const change = compareProportions(b, a);
  if (t1.n === 0 || t2.n === 0) return { before: b, after: a, change, mix: 0, within: 0, groups: [], dominant: null };
  const names = [...new Set([...before, ...after].map((g) => g.group))];
  const find = (side: GroupCount[], name: string) => side.filter((g) => g.group === name).reduce((s, g) => ({ n: s.n + g.n, hits: s.hits + g.hits }), { n: 0, hits: 0 });
  const groups = names.map((group): GroupChange => {
    const g1 = find(before, group);
    const g2 = find(after, group);
    const w1 = g1.n / t1.n;
    const w2 = g2.n / t2.n;
    const p1 = wilson(g1.hits, g1.n);
    const p2 = wilson(g2.hits, g2.n);
    const r1 = p1.rate ?? p2.rate ?? 0;
    const r2 = p2.rate ?? p1.rate ?? 0;
    return { group, before: { ...p1, share: w1 }, after: { ...p2, share: w2 }, mix: (w2 - w1) * ((r1 + r2) / 2), within: (r2 - r1) * ((w1 + w2) / 2) };
  });
  const mix = groups.reduce((s, g) => s + g.mix, 0);
  const within = groups.reduce((s, g) => s + g.within, 0);
  groups.sort((x, y) => Math.abs(y.mix) + Math.abs(y.within) - (Math.abs(x.mix) + Math.abs(x.within)) || x.group.localeCompare(y.group));
  return { before: b, after: a, change, mix, within, groups, dominant: Math.abs(mix) >= Math.abs(within) ? 'mix' : 'within' };
}
