/**
 * Builds graded predictions whose aggregates are chosen, not hoped for. A player's line and
 * actual points on a date are shared by every model; what a model contributes is its edge
 * (predicted - line). For a group of graded rows we pick exactly which calls are right, which
 * are high-edge and which way each one points, then size the edges with two parameters
 * searched until the group's MAE and standard deviation of error hit their targets.
 *
 * A call is right when predicted and actual fall on the same side of the line; lines end in
 * .5 and actuals are whole points, so there is never a push among these rows, and the
 * direction accuracy of a group equals its hit rate.
 */
import { Random } from './random';

export interface GradedSlot {
  /** actual - line: a non-zero half-integer. */
  u: number;
  line: number;
  /** Rows of a stratum (a game date) get their own count of right calls. */
  stratum: string;
  /** Exp(1) draw that sizes this row's edge. */
  draw: number;
}

export interface StratumTarget {
  correct: number;
  /** Share of UNDER calls wanted in the stratum (a "RED signal" day is ~0.7). */
  underShare?: number;
}

export interface GroupTarget {
  name: string;
  strata: Map<string, StratumTarget>;
  highEdge: number;
  highEdgeCorrect: number;
  mae: number;
  std: number;
  /** Wrong calls lean OVER: the predictions were inflated (the missing-features bug). */
  inflated?: boolean;
  /** Largest |predicted - line| of the group (default 12; the bug's errors reached +29). */
  maxEdge?: number;
  /**
   * How strongly wrong calls concentrate where the actual landed near the line (the scale, in
   * points, of an exponential weight); each is tried and the best fit kept. Default [5].
   */
  wrongCallSpreads?: number[];
}

export interface SlotOutcome {
  correct: boolean;
  /** predicted - line, rounded to 0.1, never 0. */
  edge: number;
}

export interface GroupResult {
  outcomes: SlotOutcome[];
  mae: number;
  std: number;
}

/** Smallest line for which an UNDER call can be high-edge and keep predicted points >= 0. */
const MIN_LINE_FOR_HIGH_EDGE_UNDER = 10.5;
const HIGH_EDGE = 5;
const DEFAULT_MAX_EDGE = 12;

const floorTenth = (x: number) => Math.floor(x * 10 + 1e-9) / 10;

export function constructOutcomes(slots: readonly GradedSlot[], target: GroupTarget, rng: Random): GroupResult {
  let best: (GroupResult & { loss: number }) | null = null;
  for (const spread of target.wrongCallSpreads ?? [5]) {
    const attempt = constructWithSpread(slots, target, rng, spread);
    if (!best || attempt.loss < best.loss) best = attempt;
  }
  return { outcomes: best!.outcomes, mae: best!.mae, std: best!.std };
}

function constructWithSpread(slots: readonly GradedSlot[], target: GroupTarget, rng: Random, spread: number): GroupResult & { loss: number } {
  const n = slots.length;
  const correct = new Array<boolean>(n).fill(false);
  const byStratum = new Map<string, number[]>();
  slots.forEach((s, i) => {
    const list = byStratum.get(s.stratum) ?? [];
    list.push(i);
    byStratum.set(s.stratum, list);
  });

  for (const [stratum, rows] of [...byStratum.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const goal = target.strata.get(stratum);
    if (!goal) throw new Error(`${target.name}: no target for stratum ${stratum}`);
    if (goal.correct < 0 || goal.correct > rows.length) throw new Error(`${target.name}/${stratum}: ${goal.correct} right calls out of ${rows.length}`);
    if (goal.underShare !== undefined) {
      // Right calls point the way the actual went (UNDER when u < 0), wrong ones the other
      // way, so the UNDER share fixes how the right calls split between the two signs.
      const neg = rows.filter((i) => slots[i].u < 0);
      const pos = rows.filter((i) => slots[i].u > 0);
      const under = Math.round(goal.underShare * rows.length);
      const lo = Math.max(0, goal.correct - pos.length);
      const hi = Math.min(goal.correct, neg.length);
      const rightUnder = Math.min(hi, Math.max(lo, Math.round((under - pos.length + goal.correct) / 2)));
      const pick = (from: number[], k: number) => rng.weightedSample(from, (i) => Math.abs(slots[i].u) + 0.5, k);
      for (const i of pick(neg, rightUnder)) correct[i] = true;
      for (const i of pick(pos, goal.correct - rightUnder)) correct[i] = true;
    } else {
      // Calls go wrong mostly when the actual lands near the line.
      const wrong = rng.weightedSample(rows, (i) => Math.exp(-Math.abs(slots[i].u) / spread) * (target.inflated && slots[i].u < 0 ? 2 : 1), rows.length - goal.correct);
      const wrongSet = new Set(wrong);
      for (const i of rows) correct[i] = !wrongSet.has(i);
    }
  }

  const direction = slots.map((s, i) => (correct[i] ? Math.sign(s.u) : -Math.sign(s.u)));
  const eligibleHigh = (i: number) => direction[i] > 0 || slots[i].line >= MIN_LINE_FOR_HIGH_EDGE_UNDER;
  const rightRows = slots.map((_, i) => i).filter((i) => correct[i] && eligibleHigh(i));
  const wrongRows = slots.map((_, i) => i).filter((i) => !correct[i] && eligibleHigh(i));
  const highWrong = target.highEdge - target.highEdgeCorrect;
  if (rightRows.length < target.highEdgeCorrect || wrongRows.length < highWrong) {
    throw new Error(`${target.name}: not enough rows to make ${target.highEdge} high-edge calls`);
  }
  const high = new Array<boolean>(n).fill(false);
  for (const i of rng.weightedSample(rightRows, (i) => Math.abs(slots[i].u) + 1, target.highEdgeCorrect)) high[i] = true;
  for (const i of rng.weightedSample(wrongRows, (i) => (target.inflated ? (direction[i] > 0 ? 6 : 1) : 1), highWrong)) high[i] = true;

  const maxEdge = target.maxEdge ?? DEFAULT_MAX_EDGE;
  const caps = slots.map((s, i) => {
    const underCap = Math.min(maxEdge, s.line - 0.5);
    if (high[i]) return direction[i] > 0 ? maxEdge : underCap;
    return direction[i] > 0 ? HIGH_EDGE - 0.1 : Math.min(HIGH_EDGE - 0.1, underCap);
  });

  // Edge sizes: `a` scales ordinary edges, `b` high ones, and `rho` pulls a right call's edge
  // towards the actual margin |u| (the better the model, the smaller its right calls' errors).
  const edgeSize = (i: number, a: number, b: number, rho: number) => {
    const s = slots[i];
    const track = correct[i] ? rho : 0;
    if (high[i]) {
      const raw = (1 - track) * (HIGH_EDGE + b * s.draw) + track * Math.max(HIGH_EDGE, Math.abs(s.u));
      return Math.min(caps[i], Math.max(HIGH_EDGE, floorTenth(raw)));
    }
    const raw = (1 - track) * (0.3 + a * s.draw) + track * Math.abs(s.u);
    return Math.min(caps[i], Math.max(0.1, floorTenth(raw)));
  };

  const measureOn = (rows: readonly number[], a: number, b: number, rho: number) => {
    let sum = 0;
    let abs = 0;
    let sq = 0;
    for (const i of rows) {
      const e = direction[i] * edgeSize(i, a, b, rho) - slots[i].u;
      sum += e;
      abs += Math.abs(e);
      sq += e * e;
    }
    const m = rows.length;
    const mean = sum / m;
    return { mae: abs / m, std: Math.sqrt(Math.max(0, sq - m * mean * mean) / Math.max(1, m - 1)) };
  };
  const loss = (m: { mae: number; std: number }) => ((m.mae - target.mae) / target.mae) ** 2 + ((m.std - target.std) / target.std) ** 2;

  const all = slots.map((_, i) => i);
  // The coarse scan runs on a sample of large groups; the refinement on every row.
  const sample = n > 1500 ? rng.shuffle([...all]).slice(0, 1500) : all;
  let best = { a: 1, b: 3, rho: 0, l: Number.POSITIVE_INFINITY };
  const scan = (rows: readonly number[], center: { a: number; b: number; rho: number }, span: { a: number; b: number; rho: number }, steps: number) => {
    let found = { ...center, l: loss(measureOn(rows, center.a, center.b, center.rho)) };
    for (let ia = -steps; ia <= steps; ia++) {
      const a = center.a + (span.a * ia) / steps;
      if (a < 0.01) continue;
      for (let ib = -steps; ib <= steps; ib++) {
        const b = center.b + (span.b * ib) / steps;
        if (b < 0.01) continue;
        for (let ir = -steps; ir <= steps; ir++) {
          const rho = center.rho + (span.rho * ir) / steps;
          if (rho < 0 || rho > 0.95) continue;
          const l = loss(measureOn(rows, a, b, rho));
          if (l < found.l) found = { a, b, rho, l };
        }
      }
    }
    return found;
  };
  best = scan(sample, { a: 4, b: 7, rho: 0.45 }, { a: 3.95, b: 6.95, rho: 0.45 }, 5);
  let span = { a: 0.8, b: 1.4, rho: 0.09 };
  for (let round = 0; round < 5; round++) {
    best = scan(all, best, span, 2);
    span = { a: span.a / 2.5, b: span.b / 2.5, rho: span.rho / 2.5 };
  }

  const final = measureOn(all, best.a, best.b, best.rho);
  const outcomes = slots.map((_, i) => ({ correct: correct[i], edge: Math.round(direction[i] * edgeSize(i, best.a, best.b, best.rho) * 10) / 10 }));
  return { outcomes, mae: final.mae, std: final.std, loss: loss(final) };
}

/**
 * Right-call counts per stratum for a group rate, with a little day-to-day wobble, summing
 * exactly to `total`.
 */
export function correctPerStratum(graded: Map<string, number>, total: number, wobble: number, rng: Random): Map<string, number> {
  const keys = [...graded.keys()].sort();
  const sizes = keys.map((k) => graded.get(k) ?? 0);
  const all = sizes.reduce((s, x) => s + x, 0);
  const rate = all === 0 ? 0 : total / all;
  const weights = sizes.map((g) => g * Math.max(0.01, rate + rng.uniform(-wobble, wobble)));
  const parts = apportionWithin(total, weights, sizes);
  return new Map(keys.map((k, i) => [k, parts[i]]));
}

function apportionWithin(total: number, weights: number[], caps: number[]): number[] {
  const parts = weights.map((w, i) => Math.min(caps[i], Math.floor(w)));
  let left = total - parts.reduce((s, x) => s + x, 0);
  const order = weights.map((w, i) => ({ i, r: w - Math.floor(w) })).sort((x, y) => y.r - x.r || x.i - y.i);
  while (left > 0) {
    let moved = false;
    for (const { i } of order) {
      if (left === 0) break;
      if (parts[i] < caps[i]) {
        parts[i] += 1;
        left -= 1;
        moved = true;
      }
    }
    if (!moved) throw new Error(`Cannot place ${total} right calls in ${caps.reduce((s, x) => s + x, 0)} graded rows`);
  }
  while (left < 0) {
    let moved = false;
    for (const { i } of [...order].reverse()) {
      if (left === 0) break;
      if (parts[i] > 0) {
        parts[i] -= 1;
        left += 1;
        moved = true;
      }
    }
    if (!moved) throw new Error('Cannot remove right calls');
  }
  return parts;
}
