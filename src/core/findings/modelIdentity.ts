import type { ModelArtifact, ModelRegistryEntry, PipelineLensConfig } from '../config/types';
import { wilson, type Proportion } from '../metrics/wilson';
import { formatCount, formatNumber, formatRate } from '../report/format';
import { servedArtifactsQuery, type DateWindow } from '../warehouse/catalog';
import type { CatalogQuery } from '../warehouse/columnNeeds';
import type { Row } from '../warehouse/types';
import { SEVERITY_WEIGHT, type Finding } from './types';

/*
 * Model identity: a model id is a name; the artifact (model file) is what predicted. The
 * registry says which artifact each id should be and what it scored offline; the tables
 * say which artifact served, when, and how its graded rows did. Where they part, the
 * figures of both are shown side by side, each with its source.
 */

/** One artifact as it served one model id, from servedArtifactsQuery. */
export interface ServedArtifact {
  model: string;
  /** null: the rows record no artifact. */
  artifact: string | null;
  firstDay: string;
  lastDay: string;
  /** Rows it made; null when the execution log does not count them. */
  rows: number | null;
  /** Runs that loaded it, when read from the execution log. */
  runs: number | null;
  graded: number;
  hitRate: Proportion;
  /** Mean absolute error of its graded rows; null when none, or the graded table has no predicted or actual value. */
  mae: number | null;
  maeN: number;
}

export function servedArtifacts(rows: Row[]): ServedArtifact[] {
  return rows.map((r) => {
    const graded = Number(r.graded ?? 0);
    const maeN = r.error_n === null || r.error_n === undefined ? 0 : Number(r.error_n);
    return {
      model: String(r.model),
      artifact: r.artifact === null || r.artifact === undefined ? null : String(r.artifact),
      firstDay: String(r.first_day),
      lastDay: String(r.last_day),
      rows: r.row_count === null || r.row_count === undefined ? null : Number(r.row_count),
      runs: r.runs === null || r.runs === undefined ? null : Number(r.runs),
      graded,
      hitRate: wilson(Number(r.correct ?? 0), graded),
      mae: maeN > 0 && r.abs_error_sum !== null && r.abs_error_sum !== undefined ? Number(r.abs_error_sum) / maeN : null,
      maeN,
    };
  });
}

/** Where the registry places an artifact: the entry it belongs to, and whether it is the registered one. */
interface Placement {
  entry: ModelRegistryEntry;
  facts: ModelArtifact;
  registered: boolean;
}

function placements(registry: ModelRegistryEntry[]): Map<string, Placement> {
  const byArtifact = new Map<string, Placement>();
  for (const entry of registry) {
    byArtifact.set(entry.artifact, { entry, facts: entry, registered: true });
    for (const v of entry.versions) byArtifact.set(v.artifact, { entry, facts: v, registered: false });
  }
  return byArtifact;
}

const rowsText = (s: ServedArtifact) => (s.rows === null ? `rows not recorded${s.runs !== null ? ` (${formatCount(s.runs)} runs)` : ''}` : `${formatCount(s.rows)} rows`);
const servedText = (s: ServedArtifact) =>
  s.graded === 0
    ? 'served results not graded yet (n=0)'
    : `served MAE ${s.mae === null ? 'not recorded' : formatNumber(s.mae)} (n=${formatCount(s.maeN)}), hit rate ${formatRate(s.hitRate)}`;

/** `mae 4.12, hit rate 74.6%`, or null when the registry records no figure. */
function offlineText(facts: ModelArtifact): string | null {
  const parts = Object.entries(facts.metrics).map(([name, value]) =>
    name === 'hitRate' ? `hit rate ${formatNumber(value * 100, 1)}%` : `${name === 'mae' ? 'MAE' : name} ${formatNumber(value)}`,
  );
  return parts.length ? parts.join(', ') : null;
}

function describeArtifact(facts: ModelArtifact): string {
  const bits = [facts.experiment, facts.trainingWindow ? `trained ${facts.trainingWindow.from}..${facts.trainingWindow.to}` : null].filter(Boolean);
  return `${facts.artifact}${bits.length ? ` (${bits.join(', ')})` : ''}`;
}

function registryText(served: ServedArtifact, place: Placement | undefined, own: ModelRegistryEntry | undefined): string {
  if (!served.artifact) return 'the rows record no artifact';
  if (!place) return own ? `not in the registry (models.${own.model} registers ${own.artifact})` : 'not in the registry';
  const offline = offlineText(place.facts) ?? 'metrics not recorded';
  if (place.registered && place.entry.model === served.model) return `the registered artifact of ${served.model}; offline ${offline}`;
  if (place.registered) return `the registered artifact of ${place.entry.model}, served here as ${served.model}; offline ${offline}`;
  return `a non-registered version of ${place.entry.model} (models.${place.entry.model}.versions); offline ${offline}`;
}

/** Offline figures the two artifacts both record and that differ: `MAE 5.08 vs 4.12 registered`. */
function differingMetrics(served: ModelArtifact, registered: ModelArtifact): Array<{ name: string; served: number; registered: number }> {
  return Object.keys(served.metrics)
    .filter((name) => registered.metrics[name] !== undefined && registered.metrics[name] !== served.metrics[name])
    .map((name) => ({ name, served: served.metrics[name], registered: registered.metrics[name] }));
}

/** Whether the served artifact is worse offline: higher error, or lower hit rate. */
function worse(d: Array<{ name: string; served: number; registered: number }>): boolean {
  return d.some((m) => (m.name === 'hitRate' ? m.served < m.registered : /mae|rmse|error|loss/i.test(m.name) && m.served > m.registered));
}

const metricName = (name: string) => (name === 'mae' ? 'MAE' : name === 'hitRate' ? 'hit rate' : name);
const metricValue = (name: string, v: number) => (name === 'hitRate' ? `${formatNumber(v * 100, 1)}%` : formatNumber(v));

export interface ModelIdentityInput {
  registry: ModelRegistryEntry[];
  /** Served artifacts, or null when no table records them (then only ids are compared). */
  served: ServedArtifact[] | null;
  /** Model ids with predictions in the window; null when they could not be read (nothing is called never served). */
  modelsSeen: Set<string> | null;
  window: DateWindow;
}

export function modelIdentityFindings(input: ModelIdentityInput): Finding[] {
  const { registry, served, modelsSeen, window } = input;
  const place = placements(registry);
  const entryOf = new Map(registry.map((e) => [e.model, e]));
  const findings: Finding[] = [];
  const byModel = new Map<string, ServedArtifact[]>();
  for (const s of served ?? []) byModel.set(s.model, [...(byModel.get(s.model) ?? []), s]);

  // A model id served by more than one artifact over time.
  for (const [model, list] of byModel) {
    const known = list.filter((s) => s.artifact !== null).sort((a, b) => a.firstDay.localeCompare(b.firstDay) || a.lastDay.localeCompare(b.lastDay));
    if (known.length < 2) continue;
    const own = entryOf.get(model);
    const unregistered = known.filter((s) => !(place.get(s.artifact!)?.registered && place.get(s.artifact!)?.entry.model === model));
    const rows = known.reduce<number | null>((n, s) => (n === null || s.rows === null ? null : n + s.rows), 0);
    findings.push({
      kind: 'model-artifact-changed',
      severity: own && unregistered.length > 0 ? 'high' : 'medium',
      score: (own && unregistered.length > 0 ? SEVERITY_WEIGHT.high : SEVERITY_WEIGHT.medium) + Math.min(899, known.length * 50 + Math.log10(1 + (rows ?? 0)) * 100),
      title: `${model} was served by ${known.length} different artifacts: ${known.map((s) => `${shortArtifact(s.artifact!)} (${s.firstDay}..${s.lastDay})`).join(', then ')}`,
      evidence: [
        ...known.map((s) => `${s.artifact}: ${s.firstDay}..${s.lastDay}, ${rowsText(s)}; ${servedText(s)}; ${registryText(s, place.get(s.artifact!), own)}.`),
        ...list.filter((s) => s.artifact === null).map((s) => `${rowsText(s)} on ${s.firstDay}..${s.lastDay} record no artifact.`),
        `Reports on "${model}" across ${known[0].firstDay}..${known[known.length - 1].lastDay} mix ${known.length} model files; compare them by artifact, not by id.`,
      ],
      subjects: { models: [model], dates: [known[0].firstDay, known[known.length - 1].lastDay] },
      data: { model, artifacts: known.map((s) => artifactData(s, place.get(s.artifact!))), registered: own ? own.artifact : null },
    });
  }

  // An artifact whose offline metrics differ from the registered one it stands in for.
  for (const s of served ?? []) {
    if (!s.artifact) continue;
    const p = place.get(s.artifact);
    const own = entryOf.get(s.model);
    const standsFor = p ? p.entry : own;
    if (!standsFor || (p?.registered && p.entry.model === s.model)) continue;
    if (!p) {
      if (!own) continue;
      findings.push({
        kind: 'model-artifact-mismatch',
        severity: 'medium',
        score: SEVERITY_WEIGHT.medium + Math.min(899, Math.log10(1 + (s.rows ?? 0)) * 100),
        title: `${s.model} was served by ${shortArtifact(s.artifact)}, which the registry does not list (registered: ${shortArtifact(own.artifact)})`,
        evidence: [
          `Served: ${s.artifact}, ${s.firstDay}..${s.lastDay}, ${rowsText(s)}; ${servedText(s)}.`,
          `Registered for ${s.model}: ${describeArtifact(own)}; offline ${offlineText(own) ?? 'metrics not recorded'}.`,
          `Add the artifact to models.${s.model}.versions with its offline figures, or find out why it served.`,
        ],
        subjects: { models: [s.model], dates: [s.firstDay, s.lastDay] },
        data: { model: s.model, served: artifactData(s, undefined), registered: registeredData(own), differences: [] },
      });
      continue;
    }
    const differences = differingMetrics(p.facts, standsFor);
    if (differences.length === 0) continue;
    const isWorse = worse(differences);
    const name = s.model === standsFor.model ? s.model : `${s.model} (an artifact of ${standsFor.model})`;
    findings.push({
      kind: 'model-artifact-mismatch',
      severity: isWorse ? 'high' : 'medium',
      score: (isWorse ? SEVERITY_WEIGHT.high : SEVERITY_WEIGHT.medium) + Math.min(899, 300 + Math.log10(1 + (s.rows ?? 0)) * 100),
      title: `${name} served ${shortArtifact(s.artifact)}, not the registered ${shortArtifact(standsFor.artifact)}: offline ${differences
        .map((d) => `${metricName(d.name)} ${metricValue(d.name, d.served)} vs ${metricValue(d.name, d.registered)}`)
        .join(', ')}`,
      evidence: [
        `Served: ${describeArtifact(p.facts)} as ${s.model}, ${s.firstDay}..${s.lastDay}, ${rowsText(s)}; offline ${offlineText(p.facts)}; ${servedText(s)}.`,
        `Registered for ${standsFor.model}: ${describeArtifact(standsFor)}; offline ${offlineText(standsFor) ?? 'metrics not recorded'}.`,
        ...differences.map(
          (d) => `${metricName(d.name)}: ${metricValue(d.name, d.served)} offline for the served artifact against ${metricValue(d.name, d.registered)} for the registered one.`,
        ),
        ...(s.model !== standsFor.model ? [`Rows of ${s.model} and ${standsFor.model} come from different trainings of one model: report them apart, by artifact.`] : []),
      ],
      subjects: { models: [...new Set([s.model, standsFor.model])], dates: [s.firstDay, s.lastDay] },
      data: { model: s.model, served: artifactData(s, p), registered: registeredData(standsFor), differences },
    });
  }

  // A registry entry never served.
  for (const entry of modelsSeen ? registry : []) {
    const seen = modelsSeen!.has(entry.model);
    const registeredServed = served?.some((s) => s.artifact === entry.artifact) ?? null;
    if (seen && registeredServed !== false) continue;
    const otherArtifacts = (byModel.get(entry.model) ?? []).filter((s) => s.artifact !== null);
    const title = !seen
      ? `${entry.model} is in the registry but made no predictions in ${window.from}..${window.to}`
      : `The registered artifact of ${entry.model}, ${shortArtifact(entry.artifact)}, never served in ${window.from}..${window.to}`;
    findings.push({
      kind: 'model-never-served',
      severity: 'low',
      score: SEVERITY_WEIGHT.low + (seen ? 200 : 100),
      title,
      evidence: [
        `Registered: ${describeArtifact(entry)}; offline ${offlineText(entry) ?? 'metrics not recorded'}.`,
        ...(seen
          ? [`${entry.model} was served by ${otherArtifacts.map((s) => `${s.artifact} (${s.firstDay}..${s.lastDay})`).join(', ') || 'artifacts the rows do not record'} instead.`]
          : [`No row of ${entry.model} in the predictions table: the id is misspelt in models, the model is not deployed, or it served outside the window.`]),
      ],
      subjects: { models: [entry.model] },
      data: { model: entry.model, registered: registeredData(entry), servedArtifacts: otherArtifacts.map((s) => s.artifact) },
    });
  }
  return findings;
}

/** The file name of a URI: what a person tells artifacts apart by in a title. */
function shortArtifact(artifact: string): string {
  const name = artifact.replace(/\/+$/, '').split('/').pop();
  return name || artifact;
}

function artifactData(s: ServedArtifact, p: Placement | undefined) {
  return {
    artifact: s.artifact,
    firstDay: s.firstDay,
    lastDay: s.lastDay,
    rows: s.rows,
    runs: s.runs,
    graded: s.graded,
    hitRate: s.hitRate,
    mae: s.mae,
    maeN: s.maeN,
    registry: p ? { model: p.entry.model, registered: p.registered, experiment: p.facts.experiment, trainingWindow: p.facts.trainingWindow, metrics: p.facts.metrics } : null,
  };
}

function registeredData(e: ModelRegistryEntry) {
  return { model: e.model, artifact: e.artifact, experiment: e.experiment, trainingWindow: e.trainingWindow, metrics: e.metrics };
}

/**
 * The model-identity part of an investigation: reads the served artifacts when a table
 * records them, says "not checked" for what the config cannot support, and compares.
 */
export async function checkModelIdentity(
  config: PipelineLensConfig,
  scope: { window: DateWindow; models?: string[] },
  modelsSeen: Set<string> | null,
  runsUntil: string,
  checked: (what: string, build: (c: PipelineLensConfig) => CatalogQuery) => Promise<Row[] | null>,
  skipped: string[],
): Promise<Finding[]> {
  const { window } = scope;
  const only = scope.models?.length ? new Set(scope.models) : null;
  const log = config.tables.executionLog;
  const recorded = config.tables.predictions.columns.artifact !== null || !!(log?.columns.artifact && log.columns.model);
  if (config.models.length === 0 && !recorded) {
    skipped.push(
      'model identity: no models registry in the config (models) and no column recording the artifact that served (tables.predictions.columns.artifact or tables.executionLog.columns.artifact)',
    );
    return [];
  }
  let served: ServedArtifact[] | null = null;
  if (recorded) {
    const rows = await checked('artifacts that served each model', (c) => servedArtifactsQuery(c, window, runsUntil));
    served = rows ? servedArtifacts(rows).filter((s) => !only || only.has(s.model)) : null;
  } else {
    skipped.push(
      `artifacts that served each model: needs tables.predictions.columns.artifact or tables.executionLog.columns.artifact${log && !log.columns.model ? ' with tables.executionLog.columns.model' : ''} (the model file each row or run used); registry entries were checked by model id only`,
    );
  }
  if (config.models.length === 0) skipped.push('offline metrics of served artifacts: no models registry in the config (models)');
  const registry = config.models.filter((e) => !only || only.has(e.model));
  return modelIdentityFindings({ registry, served, modelsSeen, window });
}
