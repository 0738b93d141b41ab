/**
 * One row of the benchmark table: the product's figure and its baseline measured in the same
 * run, their ratio, and the goal it is held to. A figure that cannot be measured yet keeps
 * its row (status `pending`), so the table always shows everything the product promises.
 */

export type Unit = 'ms' | 'KB' | 'MB' | 'processes' | 'queries';

export interface Measure {
  value: number;
  unit: Unit;
  /** What was measured, e.g. `GitRepository.ancestryIndex + 100,000 contains`. */
  label: string;
}

export type Status = 'met' | 'missed' | 'info' | 'pending' | 'failed';

export interface Ratio {
  value: number;
  /** `speedup`: baseline / product (higher is better). `overhead`: product / baseline (lower is better). */
  kind: 'speedup' | 'overhead';
}

export interface Figure {
  /** Stable key in the JSON, e.g. `ancestry.cold`. */
  id: string;
  group: string;
  title: string;
  product: Measure | null;
  baseline: Measure | null;
  ratio: Ratio | null;
  /**
   * The least git and SQL work that gives the same answer (the git commands and the one
   * query, nothing else), measured in the same run; product / floor is the overhead above it.
   */
  floor?: Measure | null;
  /** The goal as a sentence fragment, e.g. `≥ 100× and < 1 s cold`; empty when informative only. */
  goal: string;
  status: Status;
  /** How the numbers were obtained: sample sizes, extrapolations, counts, reasons for `pending`. */
  notes: string[];
}

export function speedup(product: number, baseline: number): Ratio {
  return { value: baseline / product, kind: 'speedup' };
}

export function overhead(product: number, baseline: number): Ratio {
  return { value: product / baseline, kind: 'overhead' };
}

/** How many times the floor the product takes, e.g. `3.2× floor`. */
export function formatFloorRatio(figure: Figure): string {
  if (!figure.floor || !figure.product || figure.floor.value <= 0 || figure.floor.unit !== figure.product.unit) return '—';
  const value = figure.product.value / figure.floor.value;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: value >= 10 ? 1 : 2, minimumFractionDigits: value >= 10 ? 1 : 2 })}× floor`;
}

/** A row that cannot be measured yet, with the reason. */
export function pending(id: string, group: string, title: string, goal: string, reason: string): Figure {
  return { id, group, title, product: null, baseline: null, ratio: null, goal, status: 'pending', notes: [reason] };
}

/** A row whose measurement threw: the table still prints, with the error in place of numbers. */
export function failed(id: string, group: string, title: string, goal: string, error: unknown): Figure {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return { id, group, title, product: null, baseline: null, ratio: null, goal, status: 'failed', notes: [`failed: ${message}`] };
}

export function formatMeasure(measure: Measure | null): string {
  if (!measure) return '—';
  const { value, unit } = measure;
  switch (unit) {
    case 'ms':
      if (value >= 600_000) return `${(value / 60_000).toFixed(1)} min`;
      if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
      if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
      if (value >= 100) return `${value.toFixed(0)} ms`;
      if (value >= 10) return `${value.toFixed(1)} ms`;
      return `${value.toFixed(2)} ms`;
    case 'KB':
      return `${value.toFixed(0)} KB`;
    case 'MB':
      return `${value.toFixed(1)} MB`;
    case 'processes':
    case 'queries':
      return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
  }
}

export function formatRatio(ratio: Ratio | null): string {
  if (!ratio || !Number.isFinite(ratio.value)) return '—';
  const digits = ratio.value >= 100 ? 0 : ratio.value >= 10 ? 1 : 2;
  const value = ratio.value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return ratio.kind === 'speedup' ? `${value}× faster` : `${value}× baseline`;
}

const STATUS_TEXT: Record<Status, string> = { met: 'met', missed: 'MISSED', info: '', pending: 'pending', failed: 'FAILED' };

export function formatStatus(status: Status): string {
  return STATUS_TEXT[status];
}
