/*
 * The timeline's hit-rate chart as SVG, for the investigation report and the handoff note:
 * the panel runs no script, and a picture that needs none also survives a screenshot, a copy
 * or a file. The same models (most graded first) and the same deployment, fix and backfill
 * markers as the timeline. Hovering or focusing a point shows its date, rate, interval and n;
 * a marker names itself, and a deployment or fix opens its commit's provenance when the
 * caller gives the link. In the panel colours come from report.css, so the chart follows the
 * theme; a file of its own carries its colours.
 */
import type { Proportion } from '../metrics/wilson';
import type { ChartTimeline } from './chartTimeline';
import { chartTip, escapeXml, type TipBounds } from './chartTip';
import { DAY_MS, dayValue, initialModels, markers, type Marker } from './timelineMarkers';

const WIDTH = 720;
const PLOT_HEIGHT = 240;
const LEGEND = 20;
const LEFT = 36;
const RIGHT = 8;
const TOP = 8;
const BOTTOM = 22;
/** How far from a marker's line the pointer still finds it: the line alone is too thin to point at. */
const MARKER_REACH = 4;
/** The marker kinds the report draws: what changed the code that ran, and the re-runs. */
const DRAWN: ReadonlySet<Marker['kind']> = new Set(['deployment', 'fix', 'backfill']);
const MARKER_KEYS = [
  ['deployment', 'deployment'],
  ['fix', 'fix committed'],
  ['backfill', 'backfilled game dates'],
] as const;

/** One point of the chart: a model's hit rate on a game date. */
export interface ChartPoint {
  model: string;
  date: string;
  hitRate: Proportion;
  predictions: number;
}

export interface HitRateChartOptions {
  /** Where a deployment or fix marker leads: the report's provenance link for its commit. None in a file. */
  commitHref?: (sha: string) => string;
}

/** The points the chart draws, in the order of its models, each model's days in date order. */
export function chartPoints(t: ChartTimeline): ChartPoint[] {
  return chartedSeries(t).flatMap((s) => s.points);
}

/** An HTML `<figure>` with the chart, or a sentence saying why there is none. */
export function hitRateChart(t: ChartTimeline, options: HitRateChartOptions = {}): string {
  const drawn = drawChart(t, { ...options, standalone: false });
  if ('none' in drawn) return `<p class="hit-rate-none">${escapeXml(drawn.none)}</p>`;
  const legend = drawn.models.map((model, i) => `<span class="key series-${i}">${escapeXml(model)}</span>`);
  const keys = MARKER_KEYS.map(([kind, text]) => `<span class="key marker-key ${kind}">${text}</span>`);
  const hint = options.commitHref ? ' Point at a day for its figures; click a deployment or fix for its provenance.' : '';
  return `<figure class="hit-rate"><div class="chart-scroll">${drawn.svg}</div><figcaption>Hit rate per game date with its 95% interval (the timeline's most graded models): ${[...legend, ...keys].join(' ')}${hint}</figcaption></figure>`;
}

/** The chart as an SVG file of its own (beside a handoff note), with its legend and colours; or why there is none. */
export function hitRateChartFile(t: ChartTimeline): { svg: string } | { none: string } {
  const drawn = drawChart(t, { standalone: true });
  return 'none' in drawn ? drawn : { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${drawn.svg}\n` };
}

function chartedSeries(t: ChartTimeline): Array<{ model: string; points: ChartPoint[] }> {
  const models = [...initialModels(t, {})];
  return t.series
    .filter((s) => models.includes(s.model))
    .map((s) => ({
      model: s.model,
      points: s.days
        .filter((d) => d.metrics.hitRate.rate !== null)
        .sort((a, b) => a.date.localeCompare(b.date))
        .map((d) => ({ model: s.model, date: d.date, hitRate: d.metrics.hitRate, predictions: d.metrics.predictions })),
    }))
    .filter((s) => s.points.length > 0);
}

function drawChart(t: ChartTimeline, options: HitRateChartOptions & { standalone: boolean }): { svg: string; models: string[] } | { none: string } {
  const series = chartedSeries(t);
  const from = dayValue(t.window.from) - DAY_MS / 2;
  const to = dayValue(t.window.to) + DAY_MS / 2;
  if (!series.length || !(to > from)) return { none: `No graded predictions in ${t.window.from} → ${t.window.to}: no hit-rate chart.` };
  const height = PLOT_HEIGHT + (options.standalone ? LEGEND : 0);
  const x = (ms: number) => LEFT + ((ms - from) / (to - from)) * (WIDTH - LEFT - RIGHT);
  const y = (share: number) => TOP + (1 - share) * (PLOT_HEIGHT - TOP - BOTTOM);
  const num = (v: number) => v.toFixed(1);
  const pct = (share: number) => (share * 100).toFixed(1);
  const bounds: TipBounds = { left: 0, right: WIDTH, top: 0, bottom: PLOT_HEIGHT };
  const out: string[] = [];
  const label = `Hit rate per game date of ${series.map((s) => s.model).join(', ')}, ${t.window.from} to ${t.window.to}, with deployments, fixes and backfills`;
  out.push(
    `<svg class="hit-rate-chart"${options.standalone ? ` xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}"` : ''} viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(label)}">`,
  );
  if (options.standalone) out.push(`<title>${escapeXml(label)}</title><style>${FILE_STYLE}</style><rect class="background" width="${WIDTH}" height="${height}"/>`);
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${num(y(share))}" y2="${num(y(share))}"/>`);
    out.push(`<text class="tick" x="${LEFT - 4}" y="${num(y(share) + 3)}" text-anchor="end">${share * 100}%</text>`);
  }
  out.push(
    `<line class="threshold" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${num(y(t.thresholds.hitRate))}" y2="${num(y(t.thresholds.hitRate))}"><title>threshold ${num(t.thresholds.hitRate * 100)}%</title></line>`,
  );
  out.push(`<text class="tick" x="${LEFT}" y="${PLOT_HEIGHT - 6}">${escapeXml(t.window.from)}</text>`);
  out.push(`<text class="tick" x="${WIDTH - RIGHT}" y="${PLOT_HEIGHT - 6}" text-anchor="end">${escapeXml(t.window.to)}</text>`);

  const drawn = markers(t, {}).filter((m) => DRAWN.has(m.kind) && (m.until ?? m.at) >= from && m.at <= to);
  for (const m of drawn.filter((d) => d.kind === 'backfill')) {
    const x1 = x(Math.max(m.at, from));
    const x2 = x(Math.min(m.until!, to));
    out.push(
      `<g class="marker-item" tabindex="0" aria-label="${escapeXml(m.detail)}"><rect class="marker backfill" x="${num(x1)}" y="${TOP}" width="${num(Math.max(x2 - x1, 1))}" height="${PLOT_HEIGHT - TOP - BOTTOM}"><title>${escapeXml(m.detail)}</title></rect>${chartTip((x1 + x2) / 2, TOP + 30, [m.detail], bounds)}</g>`,
    );
  }
  // Colours by place among the drawn models: three, each with its own theme colour.
  series.forEach((s, i) => {
    const band = [
      ...s.points.map((p) => `${num(x(dayValue(p.date)))},${num(y(p.hitRate.high))}`),
      ...[...s.points].reverse().map((p) => `${num(x(dayValue(p.date)))},${num(y(p.hitRate.low))}`),
    ];
    out.push(`<polygon class="band band-${i}" points="${band.join(' ')}"/>`);
    out.push(
      `<polyline class="series series-${i}" points="${s.points.map((p) => `${num(x(dayValue(p.date)))},${num(y(p.hitRate.rate!))}`).join(' ')}"><title>${escapeXml(s.model)}</title></polyline>`,
    );
  });
  for (const m of drawn.filter((d) => d.kind !== 'backfill')) {
    const at = num(x(m.at));
    const href = m.sha && options.commitHref ? options.commitHref(m.sha) : null;
    const lines = [m.detail, ...(href ? [`Click for the provenance of ${m.sha!.slice(0, 8)}`] : [])];
    const inner = `<line class="marker ${m.kind}" x1="${at}" x2="${at}" y1="${TOP}" y2="${PLOT_HEIGHT - BOTTOM}"><title>${escapeXml(m.detail)}</title></line><rect class="hit-area" x="${num(x(m.at) - MARKER_REACH)}" y="${TOP}" width="${2 * MARKER_REACH}" height="${PLOT_HEIGHT - TOP - BOTTOM}"/>${chartTip(x(m.at), TOP + 14, lines, bounds)}`;
    out.push(
      href
        ? `<a class="marker-item marker-link ${m.kind}" href="${escapeXml(href)}" aria-label="${escapeXml(lines.join('. '))}">${inner}</a>`
        : `<g class="marker-item" tabindex="0" aria-label="${escapeXml(m.detail)}">${inner}</g>`,
    );
  }
  // Points last, so a point's label is drawn over the lines and markers; the most graded
  // model last of all, so its points are the ones under the pointer where models meet.
  [...series.entries()].reverse().forEach(([i, s]) => {
    for (const p of s.points) {
      const px = x(dayValue(p.date));
      const py = y(p.hitRate.rate!);
      const figures = `${pct(p.hitRate.rate!)}% [${pct(p.hitRate.low)}, ${pct(p.hitRate.high)}] n=${p.hitRate.n}`;
      const lines = [`${p.date} · ${s.model}`, figures, `${p.hitRate.n} graded of ${p.predictions} predictions`];
      out.push(
        `<g class="point series-${i}" tabindex="0" aria-label="${escapeXml(`${s.model} on ${p.date}: ${figures}, ${p.hitRate.n} graded of ${p.predictions} predictions`)}"><circle class="hit-area" cx="${num(px)}" cy="${num(py)}" r="3.5"/><circle class="dot" cx="${num(px)}" cy="${num(py)}" r="2.5"/>${chartTip(px, py, lines, bounds)}</g>`,
      );
    }
  });
  if (options.standalone) {
    const keys = [...series.map((s, i) => ({ text: s.model, cls: `key series-${i}` })), ...MARKER_KEYS.map(([kind, text]) => ({ text, cls: `key marker-key ${kind}` }))];
    let at = LEFT;
    const legend = keys.map((k) => {
      const item = `<text class="${k.cls}" x="${at}" y="${PLOT_HEIGHT + 8}">${escapeXml(k.text)}</text>`;
      at += k.text.length * 6.4 + 16;
      return item;
    });
    out.push(...legend);
  }
  out.push('</svg>');
  return { svg: out.join(''), models: series.map((s) => s.model) };
}

/** A file's own colours (VS Code's light chart colours), as the panel's report.css gives them from the theme. */
const FILE_STYLE = [
  '.background{fill:#ffffff}',
  '.grid{stroke:#e5e5e5;stroke-width:1}',
  '.threshold{stroke:#6f6f6f;stroke-dasharray:2 4}',
  'text{font-family:sans-serif}',
  '.tick{fill:#6f6f6f;font-size:10px}',
  '.series{fill:none;stroke-width:2}',
  '.band{stroke:none;fill-opacity:0.12}',
  '.series-0{stroke:#1a85ff;color:#1a85ff}.band-0{fill:#1a85ff}',
  '.series-1{stroke:#652d90;color:#652d90}.band-1{fill:#652d90}',
  '.series-2{stroke:#bf8803;color:#bf8803}.band-2{fill:#bf8803}',
  '.point .dot{fill:currentColor;stroke:none}',
  '.hit-area{fill:transparent;stroke:none;pointer-events:all}',
  '.marker.deployment{stroke:#388a34;stroke-width:2;stroke-dasharray:6 4}',
  '.marker.fix{stroke:#e51400;stroke-width:2}',
  '.marker.backfill{fill:#e51400;fill-opacity:0.1}',
  '.key{font-size:11px;font-weight:600;stroke:none;fill:currentColor}',
  '.marker-key.deployment{fill:#388a34}.marker-key.fix,.marker-key.backfill{fill:#e51400}',
  '.tip{display:none;pointer-events:none}',
  '.tip rect{fill:#f3f3f3;stroke:#c8c8c8}',
  '.tip text{fill:#1f1f1f;stroke:none;font-size:11px}',
  '.point:hover .tip,.point:focus .tip,.marker-item:hover .tip,.marker-item:focus .tip{display:inline}',
].join('');
