/*
 * The timeline's hit-rate chart as static SVG, for the investigation report: the panel runs
 * no script, and a picture that needs none also survives a screenshot or a copy. The same
 * models (most graded first) and the same deployment, fix and backfill markers as the
 * timeline; colours come from report.css classes, so the chart follows the theme.
 */
import type { TimelineResult } from '../../shared/protocol';
import { DAY_MS, dayValue, initialModels, markers, type Marker } from './timelineMarkers';

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 36;
const RIGHT = 8;
const TOP = 8;
const BOTTOM = 22;
/** The marker kinds the report draws: what changed the code that ran, and the re-runs. */
const DRAWN: ReadonlySet<Marker['kind']> = new Set(['deployment', 'fix', 'backfill']);

/** An HTML `<figure>` with the chart, or a sentence saying why there is none. */
export function hitRateChart(t: TimelineResult): string {
  const models = [...initialModels(t, {})];
  const series = t.series.filter((s) => models.includes(s.model));
  const from = dayValue(t.window.from) - DAY_MS / 2;
  const to = dayValue(t.window.to) + DAY_MS / 2;
  if (!series.some((s) => s.days.some((d) => d.metrics.hitRate.rate !== null)) || !(to > from)) {
    return `<p class="hit-rate-none">No graded predictions in ${escapeXml(t.window.from)} → ${escapeXml(t.window.to)}: no hit-rate chart.</p>`;
  }
  const x = (ms: number) => LEFT + ((ms - from) / (to - from)) * (WIDTH - LEFT - RIGHT);
  const y = (share: number) => TOP + (1 - share) * (HEIGHT - TOP - BOTTOM);
  const num = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(
    `<svg class="hit-rate-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Hit rate per game date of ${escapeXml(series.map((s) => s.model).join(', '))}, ${escapeXml(t.window.from)} to ${escapeXml(t.window.to)}, with deployments, fixes and backfills">`,
  );
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${num(y(share))}" y2="${num(y(share))}"/>`);
    out.push(`<text class="tick" x="${LEFT - 4}" y="${num(y(share) + 3)}" text-anchor="end">${share * 100}%</text>`);
  }
  out.push(
    `<line class="threshold" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${num(y(t.thresholds.hitRate))}" y2="${num(y(t.thresholds.hitRate))}"><title>threshold ${num(t.thresholds.hitRate * 100)}%</title></line>`,
  );
  out.push(`<text class="tick" x="${LEFT}" y="${HEIGHT - 6}">${escapeXml(t.window.from)}</text>`);
  out.push(`<text class="tick" x="${WIDTH - RIGHT}" y="${HEIGHT - 6}" text-anchor="end">${escapeXml(t.window.to)}</text>`);

  const drawn = markers(t, {}).filter((m) => DRAWN.has(m.kind) && (m.until ?? m.at) >= from && m.at <= to);
  for (const m of drawn.filter((d) => d.kind === 'backfill')) {
    const x1 = x(Math.max(m.at, from));
    const x2 = x(Math.min(m.until!, to));
    out.push(
      `<rect class="marker backfill" x="${num(x1)}" y="${TOP}" width="${num(Math.max(x2 - x1, 1))}" height="${HEIGHT - TOP - BOTTOM}"><title>${escapeXml(m.detail)}</title></rect>`,
    );
  }
  // Colours by place among the drawn models: three, each with its own theme colour.
  series.forEach((s, i) => {
    const days = s.days.filter((d) => d.metrics.hitRate.rate !== null).sort((a, b) => a.date.localeCompare(b.date));
    const band = [
      ...days.map((d) => `${num(x(dayValue(d.date)))},${num(y(d.metrics.hitRate.high))}`),
      ...[...days].reverse().map((d) => `${num(x(dayValue(d.date)))},${num(y(d.metrics.hitRate.low))}`),
    ];
    out.push(`<polygon class="band band-${i}" points="${band.join(' ')}"/>`);
    out.push(
      `<polyline class="series series-${i}" points="${days.map((d) => `${num(x(dayValue(d.date)))},${num(y(d.metrics.hitRate.rate!))}`).join(' ')}"><title>${escapeXml(s.model)}</title></polyline>`,
    );
  });
  for (const m of drawn.filter((d) => d.kind !== 'backfill')) {
    const at = num(x(m.at));
    out.push(`<line class="marker ${m.kind}" x1="${at}" x2="${at}" y1="${TOP}" y2="${HEIGHT - BOTTOM}"><title>${escapeXml(m.detail)}</title></line>`);
  }
  out.push('</svg>');
  const legend = series.map((s, i) => `<span class="key series-${i}">${escapeXml(s.model)}</span>`);
  const keys = [
    ['deployment', 'deployment'],
    ['fix', 'fix committed'],
    ['backfill', 'backfilled game dates'],
  ].map(([kind, text]) => `<span class="key marker-key ${kind}">${text}</span>`);
  return `<figure class="hit-rate">${out.join('')}<figcaption>Hit rate per game date with its 95% interval (the timeline's most graded models): ${[...legend, ...keys].join(' ')}</figcaption></figure>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
