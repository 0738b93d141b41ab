/// <reference lib="dom" />
/*
 * The timeline page, running in the webview (a browser sandbox): a chart.js line chart of
 * hit rate per game date per model with Wilson interval bands, markers drawn by the
 * annotation plugin, and the same markers as DOM buttons above the plot, so they can be
 * clicked, read by a screen reader and found by a test. It gets its data by message and
 * never reaches the network (the CSP forbids it anyway).
 */
import { Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset, type PluginOptionsByType, type TooltipItem } from 'chart.js';
import annotationPlugin from 'chartjs-plugin-annotation';
import type { FeatureCoverageResult, TimelineResult } from '../../../shared/protocol';
import type { FromTimeline, TimelineFocus, TimelineRendered, ToTimeline } from '../timelineMessages';
import { DAY_MS, dayValue, initialModels, markers, type Marker, type MarkerKind } from '../../../core/report/timelineMarkers';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, annotationPlugin);

declare function acquireVsCodeApi(): { postMessage(message: FromTimeline): void };
const vscode = acquireVsCodeApi();

interface State {
  timeline: TimelineResult;
  focus: TimelineFocus;
  selected: Set<string>;
  coverage: FeatureCoverageResult['series'];
}

/** The plugin's annotation options, named through chart.js's plugin registry (the plugin's own type exports are ESM-only). */
type AnnotationOptions = Extract<NonNullable<PluginOptionsByType<'line'>['annotation']>['annotations'], Record<string, unknown>>[string];

let state: State | null = null;
let chart: Chart | null = null;

window.addEventListener('message', (event: MessageEvent<ToTimeline>) => {
  const message = event.data;
  if (message.type === 'data') {
    state = { timeline: message.timeline, focus: message.focus, selected: initialModels(message.timeline, message.focus), coverage: [] };
    render();
    if (message.focus.features?.length) vscode.postMessage({ type: 'featureCoverage', features: message.focus.features });
  } else if (message.type === 'coverage' && state) {
    const known = new Set(message.coverage.series.map((s) => s.index));
    state.coverage = [...state.coverage.filter((s) => !known.has(s.index)), ...message.coverage.series];
    render();
  } else if (message.type === 'error') {
    showError(message.message);
  }
});
vscode.postMessage({ type: 'ready' });

const pct = (x: number) => Math.round(x * 1000) / 10;

function css(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * One colour per model, fixed by its place in the list so a model keeps its colour when
 * others are toggled. Red, orange and green are left to the markers.
 */
function palette(): string[] {
  return [
    css('--vscode-charts-blue', '#3794ff'),
    css('--vscode-charts-purple', '#b180d7'),
    css('--vscode-charts-yellow', '#cca700'),
    css('--vscode-terminal-ansiMagenta', '#bc3fbc'),
    css('--vscode-terminal-ansiCyan', '#11a8cd'),
    '#8c564b',
    css('--vscode-descriptionForeground', '#717171'),
    '#bcbd22',
  ];
}

function alpha(colour: string, a: number): string {
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(colour);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }
  return colour;
}

function render(): void {
  if (!state) return;
  const { timeline: t, focus } = state;
  const app = document.getElementById('app')!;
  app.replaceChildren();

  const header = el('header', 'toolbar');
  const heading = el('h1', '', 'Hit rate per game date');
  header.append(heading);
  const models = el('fieldset', 'models');
  models.append(el('legend', '', 'Models'));
  const colours = palette();
  t.series.forEach((s, i) => {
    const label = el('label', 'model');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = state!.selected.has(s.model);
    box.dataset.model = s.model;
    box.addEventListener('change', () => {
      if (box.checked) state!.selected.add(s.model);
      else state!.selected.delete(s.model);
      render();
    });
    const swatch = el('span', 'swatch');
    swatch.style.background = colours[i % colours.length];
    label.append(box, swatch, document.createTextNode(s.model));
    models.append(label);
  });
  header.append(models);

  if (t.features.length) {
    const select = document.createElement('select');
    select.className = 'features';
    select.setAttribute('aria-label', 'Add a feature coverage series');
    select.append(option('', 'Add feature coverage…'));
    for (const f of t.features) select.append(option(String(f.index), `${f.index} ${f.name}`));
    select.addEventListener('change', () => {
      if (select.value === '') return;
      vscode.postMessage({ type: 'featureCoverage', features: [Number(select.value)] });
      select.value = '';
    });
    header.append(select);
  }
  app.append(header);

  const all = markers(t, focus);
  const series = t.series.filter((s) => state!.selected.has(s.model));
  const days = series.flatMap((s) => s.days.map((d) => dayValue(d.date))).concat(state.coverage.flatMap((c) => c.days.map((d) => dayValue(d.date))));
  if (days.length === 0 && t.series.length === 0) {
    app.append(el('p', 'empty', 'No predictions in this window: the chart has nothing to draw. Check tables.predictions in pipeline-lens.json and the window.'));
    report(
      all,
      series.map((s) => s.model),
    );
    return;
  }
  const min = Math.min(...(days.length ? days : [Date.now()])) - DAY_MS;
  const max = Math.max(...(days.length ? days : [Date.now()])) + DAY_MS;
  // The request's window runs to today; the heading names the dates that have data.
  heading.textContent = `Hit rate per game date, ${new Date(min + DAY_MS).toISOString().slice(0, 10)} → ${new Date(max - DAY_MS).toISOString().slice(0, 10)}`;
  const visible = all.filter((m) => (m.until ?? m.at) >= min && m.at <= max);

  const wrap = el('div', 'chart-wrap');
  const strip = el('div', 'marker-strip');
  strip.setAttribute('role', 'toolbar');
  strip.setAttribute('aria-label', 'Markers: commits, deployments, backfills');
  const canvasBox = el('div', 'canvas-box');
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Hit rate per game date of ${series.map((s) => s.model).join(', ') || 'no model'}, with 95% intervals and ${visible.length} markers`);
  canvasBox.append(canvas);
  wrap.append(strip, canvasBox);
  app.append(wrap);
  app.append(legend());
  app.append(markerTable(visible));
  if (t.skipped.length) {
    const skipped = el('ul', 'skipped');
    for (const s of t.skipped) skipped.append(el('li', '', `Not shown: ${s}`));
    app.append(skipped);
  }

  chart?.destroy();
  chart = new Chart(canvas, {
    type: 'line',
    data: { datasets: datasets(series, t, colours) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min,
          max,
          ticks: { stepSize: 7 * DAY_MS, color: css('--vscode-descriptionForeground', '#888'), callback: (v) => new Date(Number(v)).toISOString().slice(5, 10) },
          grid: { color: alpha(css('--vscode-editorWidget-border', '#4448'), 0.4) },
        },
        y: {
          min: 0,
          max: 100,
          title: { display: true, text: 'hit rate / coverage (%)', color: css('--vscode-descriptionForeground', '#888') },
          ticks: { color: css('--vscode-descriptionForeground', '#888') },
          grid: { color: alpha(css('--vscode-editorWidget-border', '#4448'), 0.4) },
        },
      },
      plugins: {
        tooltip: {
          filter: (item) => !(item.dataset as { band?: boolean }).band,
          callbacks: {
            title: (items) => (items.length ? `game date ${new Date(items[0].parsed.x ?? 0).toISOString().slice(0, 10)}` : ''),
            label: (item: TooltipItem<'line'>) => (item.raw as { text?: string }).text ?? '',
          },
        },
        annotation: { annotations: annotations(visible, t) },
      },
    },
    plugins: [{ id: 'markerStrip', afterRender: (c) => placeMarkers(c, strip, visible) }],
  });
  report(
    visible,
    series.map((s) => s.model),
  );
}

function datasets(series: TimelineResult['series'], t: TimelineResult, colours: string[]): ChartDataset<'line'>[] {
  const sets: ChartDataset<'line'>[] = [];
  for (const s of series) {
    const colour = colours[t.series.findIndex((x) => x.model === s.model) % colours.length];
    const days = s.days.filter((d) => d.metrics.hitRate.rate !== null);
    const band = (key: 'low' | 'high') => days.map((d) => ({ x: dayValue(d.date), y: pct(d.metrics.hitRate[key]) }));
    // The interval band is two invisible lines with the area between them filled.
    sets.push({ label: `${s.model} low`, data: band('low'), borderWidth: 0, pointRadius: 0, fill: false, band: true } as ChartDataset<'line'>);
    sets.push({
      label: `${s.model} high`,
      data: band('high'),
      borderWidth: 0,
      pointRadius: 0,
      fill: '-1',
      backgroundColor: alpha(colour, 0.12),
      band: true,
    } as ChartDataset<'line'>);
    sets.push({
      label: s.model,
      data: days.map((d) => {
        const h = d.metrics.hitRate;
        return {
          x: dayValue(d.date),
          y: pct(h.rate!),
          text: `${s.model}: ${pct(h.rate!)}% [${pct(h.low)}, ${pct(h.high)}] n=${h.n} graded of ${d.metrics.predictions} predictions`,
        };
      }),
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 2,
      pointRadius: 2,
      tension: 0,
    });
  }
  const coverageColour = css('--vscode-charts-green', '#89d185');
  for (const c of state?.coverage ?? []) {
    sets.push({
      label: `coverage ${c.name}`,
      // A day without feature rows has no coverage to draw: a gap, not 0%.
      data: c.days
        .filter((d) => d.coverage.rate !== null)
        .map((d) => ({
          x: dayValue(d.date),
          y: pct(d.coverage.rate!),
          text: `${c.name} (feature ${c.index}) > 0: ${pct(d.coverage.rate!)}% [${pct(d.coverage.low)}, ${pct(d.coverage.high)}] n=${d.coverage.n} rows`,
        })),
      borderColor: coverageColour,
      borderDash: [6, 3],
      borderWidth: 2,
      pointRadius: 0,
    });
  }
  return sets;
}

function markerColour(kind: MarkerKind): string {
  switch (kind) {
    case 'fix':
      return css('--vscode-charts-red', '#f14c4c');
    case 'commit':
      return css('--vscode-charts-orange', '#d18616');
    case 'deployment':
      return css('--vscode-charts-green', '#89d185');
    case 'backfill':
      return css('--vscode-charts-red', '#f14c4c');
    case 'date':
      return css('--vscode-editor-foreground', '#ccc');
  }
}

function annotations(visible: Marker[], t: TimelineResult): Record<string, AnnotationOptions> {
  const out: Record<string, AnnotationOptions> = {
    threshold: {
      type: 'line',
      yMin: pct(t.thresholds.hitRate),
      yMax: pct(t.thresholds.hitRate),
      borderColor: alpha(css('--vscode-descriptionForeground', '#888888'), 0.8),
      borderDash: [2, 4],
      borderWidth: 1,
      label: {
        display: true,
        content: `threshold ${pct(t.thresholds.hitRate)}%`,
        position: 'start',
        backgroundColor: 'transparent',
        color: css('--vscode-descriptionForeground', '#888'),
        font: { size: 10 },
      },
    },
  };
  visible.forEach((m, i) => {
    const colour = markerColour(m.kind);
    const open = m.sha ? () => vscode.postMessage({ type: 'openCommit', sha: m.sha! }) : undefined;
    if (m.kind === 'backfill') {
      out[`m${i}`] = { type: 'box', xMin: m.at, xMax: m.until!, backgroundColor: alpha(colour, 0.1), borderWidth: 0, drawTime: 'beforeDatasetsDraw', click: open };
      return;
    }
    const labelled = m.kind === 'fix' || m.focused || m.kind === 'deployment';
    out[`m${i}`] = {
      type: 'line',
      xMin: m.at,
      xMax: m.at,
      borderColor: colour,
      borderWidth: m.focused ? 3 : m.kind === 'commit' ? 1 : 2,
      borderDash: m.kind === 'deployment' ? [6, 4] : m.kind === 'date' ? [2, 2] : undefined,
      drawTime: 'afterDatasetsDraw',
      click: open,
      label: labelled
        ? {
            display: true,
            content: m.kind === 'deployment' ? m.label.replace(/^.*-(\d+-\w+)$/, '$1') : m.label.slice(0, 8),
            position: m.kind === 'deployment' ? 'end' : 'start',
            rotation: 0,
            font: { size: 10 },
            backgroundColor: alpha(colour, 0.85),
            color: '#000',
          }
        : undefined,
    };
  });
  return out;
}

/** The markers as buttons over the plot, at the same x as the lines the plugin drew. */
function placeMarkers(c: Chart, strip: HTMLElement, visible: Marker[]): void {
  const x = c.scales.x;
  strip.replaceChildren();
  for (const m of visible) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `marker marker-${m.kind}${m.focused ? ' focused' : ''}`;
    button.dataset.kind = m.kind;
    if (m.sha) button.dataset.sha = m.sha;
    button.title = m.detail;
    button.setAttribute('aria-label', m.detail);
    const left = x.getPixelForValue(Math.max(m.at, x.min));
    const right = m.until !== undefined ? x.getPixelForValue(Math.min(m.until, x.max)) : left;
    button.style.left = `${m.until !== undefined ? left : left - 5}px`;
    if (m.until !== undefined) button.style.width = `${Math.max(right - left, 6)}px`;
    button.style.setProperty('--marker-colour', markerColour(m.kind));
    if (m.sha) button.addEventListener('click', () => vscode.postMessage({ type: 'openCommit', sha: m.sha! }));
    strip.append(button);
  }
}

function legend(): HTMLElement {
  const list = el('ul', 'legend');
  const items: Array<[MarkerKind, string]> = [
    ['fix', 'fix commit'],
    ['commit', 'other commit touching a service'],
    ['deployment', 'deployment'],
    ['backfill', 'game dates a backfill regenerated'],
  ];
  for (const [kind, text] of items) {
    const li = el('li', `legend-${kind}`);
    const swatch = el('span', 'swatch');
    swatch.style.background = markerColour(kind);
    li.append(swatch, document.createTextNode(text));
    list.append(li);
  }
  list.append(el('li', 'legend-band', 'shaded band: 95% interval of the hit rate (Wilson); hover a point for n'));
  return list;
}

function markerTable(visible: Marker[]): HTMLElement {
  const details = document.createElement('details');
  details.className = 'marker-list';
  details.append(el('summary', '', `${visible.length} markers`));
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of ['when', 'what', '']) head.append(el('th', '', h));
  const body = table.createTBody();
  for (const m of visible) {
    const row = body.insertRow();
    row.dataset.kind = m.kind;
    row.insertCell().textContent = new Date(m.at).toISOString().slice(0, 16).replace('T', ' ');
    row.insertCell().textContent = m.detail;
    const cell = row.insertCell();
    if (m.sha) {
      const button = el('button', 'link', 'show commit') as HTMLButtonElement;
      button.addEventListener('click', () => vscode.postMessage({ type: 'openCommit', sha: m.sha! }));
      cell.append(button);
    }
  }
  details.append(table);
  return details;
}

function report(visible: Marker[], models: string[]): void {
  const count = (kind: MarkerKind) => visible.filter((m) => m.kind === kind).length;
  const rendered: TimelineRendered = {
    models,
    markers: { commit: count('commit'), fix: count('fix'), deployment: count('deployment'), backfill: count('backfill'), date: count('date') },
    coverage: state?.coverage.map((c) => c.index) ?? [],
  };
  vscode.postMessage({ type: 'rendered', rendered });
}

function showError(message: string): void {
  const app = document.getElementById('app')!;
  const p = el('p', 'error', message);
  p.setAttribute('role', 'alert');
  app.prepend(p);
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function option(value: string, text: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}
