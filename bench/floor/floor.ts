import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Measure } from '../figures';
import { median } from '../stats';

/** The work a floor does: see floorProbe.cjs. */
export interface FloorJob {
  cwd: string;
  /** Tokens as the document writes them; resolved with one `cat-file --batch-check`. */
  tokens: string[];
  /** Tips of the `rev-list --parents` walk (the deployed revisions). */
  revisions: string[];
  /** Read the found commits' details (`log --no-walk --name-only`). */
  details: boolean;
  /** The one query, or null for a floor without the warehouse. */
  sql: string | null;
}

interface ProbeOutput {
  ms?: number;
  rssMB?: number;
  peakMB?: number;
  steps?: Record<string, number>;
  error?: string;
}

export interface FloorResult {
  ms: number;
  rssMB: number;
  peakMB: number;
  /** Median duration of each step, and sizes (`found`, `rows`, `logBytes`, `revListBytes`). */
  steps: Record<string, number>;
  runs: number;
}

/** Runs the floor `runs` times, each in a fresh Node process; medians. Throws with the probe's reason when it fails. */
export async function measureFloor(job: FloorJob, runs: number): Promise<FloorResult> {
  const results: FloorResult[] = [];
  for (let run = 0; run < runs; run++) results.push(await measureFloorOnce(job));
  return medianFloor(results);
}

/**
 * One run of the floor. Figures interleave these with the product's runs, so that on a
 * shared machine whose load drifts both sides see the same load.
 */
export async function measureFloorOnce(job: FloorJob): Promise<FloorResult> {
  const dir = await mkdtemp(join(tmpdir(), 'pipeline-lens-floor-'));
  try {
    const file = join(dir, 'job.json');
    await writeFile(file, JSON.stringify(job));
    const output = await probe(file);
    if (output.error || output.ms === undefined) throw new Error(`the floor could not be measured: ${output.error ?? 'no result'}`);
    return { ms: output.ms, rssMB: output.rssMB ?? 0, peakMB: output.peakMB ?? 0, steps: output.steps ?? {}, runs: 1 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Medians of several floor runs (each step's duration and size too). */
export function medianFloor(results: FloorResult[]): FloorResult {
  if (results.length === 0) throw new Error('the floor was not measured');
  const keys = [...new Set(results.flatMap((r) => Object.keys(r.steps)))];
  return {
    ms: median(results.map((r) => r.ms)),
    rssMB: median(results.map((r) => r.rssMB)),
    peakMB: median(results.map((r) => r.peakMB)),
    steps: Object.fromEntries(keys.map((k) => [k, median(results.map((r) => r.steps[k] ?? 0))])),
    runs: results.reduce((n, r) => n + r.runs, 0),
  };
}

function probe(jobFile: string): Promise<ProbeOutput> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(__dirname, 'floorProbe.cjs'), jobFile], { timeout: 300_000, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ProbeOutput);
      } catch {
        resolve({ error: error ? error.message.split('\n')[0] : `unreadable probe output: ${line.slice(0, 200)}` });
      }
    });
  });
}

export function floorMeasure(result: FloorResult, label: string): Measure {
  return { value: result.ms, unit: 'ms', label };
}

/** The floor's steps in one line, for a figure's notes. */
export function describeFloor(result: FloorResult): string {
  const s = result.steps;
  const parts: string[] = [];
  if (s.catFile !== undefined) parts.push(`cat-file --batch-check ${s.catFile.toFixed(0)} ms (${s.found} found)`);
  if (s.log !== undefined) parts.push(`log --no-walk --name-only ${s.log.toFixed(0)} ms (${(s.logBytes / 1024).toFixed(0)} KB)`);
  if (s.revList !== undefined) parts.push(`rev-list --parents ${s.revList.toFixed(0)} ms (${(s.revListBytes / 1024 / 1024).toFixed(1)} MB)`);
  if (s.query !== undefined)
    parts.push(`DuckDB open + query ${s.query.toFixed(0)} ms (${s.rows} rows${s.rows === 0 ? ': NONE, the bench warehouse does not cover the window' : ''})`);
  const serial = (s.catFile ?? 0) + (s.log ?? 0) + (s.revList ?? 0) + (s.query ?? 0);
  return `floor (median of ${result.runs}, runs between the product's; independent steps at once): ${parts.join(', ')}; ${serial.toFixed(0)} ms one after the other; its process held ${result.rssMB.toFixed(0)} MB RSS (peak ${result.peakMB.toFixed(0)} MB)`;
}

/**
 * Floor runs taken one at a time between the product's runs; the first failure is kept and
 * ends the sampling (the figure then says FAILED for its floor, with the reason).
 */
export class FloorSamples {
  private readonly results: FloorResult[] = [];
  private error: Error | null = null;

  constructor(private readonly job: FloorJob | Promise<FloorJob>) {}

  async take(): Promise<void> {
    if (this.error) return;
    try {
      this.results.push(await measureFloorOnce(await this.job));
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(String(error));
    }
  }

  result(): FloorResult | Error {
    return this.error ?? (this.results.length ? medianFloor(this.results) : new Error('the floor was not measured'));
  }
}
