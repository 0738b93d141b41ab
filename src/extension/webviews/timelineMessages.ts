import type { FeatureCoverageResult, TimelineResult } from '../../shared/protocol';

/** What the timeline panel should show first: models, a commit and a date to mark, features to chart. */
export interface TimelineFocus {
  models?: string[];
  sha?: string;
  date?: string;
  features?: number[];
}

/** Extension → timeline page. */
export type ToTimeline =
  { type: 'data'; timeline: TimelineResult; focus: TimelineFocus } | { type: 'coverage'; coverage: FeatureCoverageResult } | { type: 'error'; message: string };

/** What the page drew, reported back (tests read it; a person never sees it). */
export interface TimelineRendered {
  models: string[];
  markers: { commit: number; fix: number; deployment: number; backfill: number; date: number };
  coverage: number[];
}

/** Timeline page → extension. */
export type FromTimeline =
  { type: 'ready' } | { type: 'openCommit'; sha: string } | { type: 'featureCoverage'; features: number[] } | { type: 'rendered'; rendered: TimelineRendered };
