import type { ChartTimeline } from './chartTimeline';
import { chartPoints, hitRateChartFile } from './hitRateChart';
import type { NoteChart } from './investigationMarkdown';

/**
 * A handoff note's chart: the SVG to write beside the note as `file` and what the note says
 * of it, or, with no file to put it beside (the note printed), where it would go; either way
 * the figures. Without a timeline (it could not be read, `problem` says why) the note still
 * stands and says so.
 */
export function noteChart(timeline: ChartTimeline | null, file: string | null, problem = 'the results could not be read'): { note: NoteChart; svg: string | null } {
  if (!timeline) return { note: { image: { missing: `Hit-rate chart not included: ${problem}.` }, points: [] }, svg: null };
  const points = chartPoints(timeline);
  const drawn = hitRateChartFile(timeline);
  if ('none' in drawn) return { note: { image: { missing: drawn.none }, points }, svg: null };
  if (!file) {
    return {
      note: {
        image: {
          missing:
            'The hit-rate chart is written only beside a note in a file: with --output docs/handoffs/<date>-<title>.md it goes to docs/handoffs/<date>-<title>.svg. Its figures:',
        },
        points,
      },
      svg: null,
    };
  }
  const models = [...new Set(points.map((p) => p.model))].join(', ');
  return { note: { image: { file, alt: `Hit rate per game date of ${models} with its 95% interval, deployments, fixes and backfills` }, points }, svg: drawn.svg };
}
