import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pending, type Figure } from '../figures';
import { median } from '../stats';

const GROUP = 'Extension';

interface ProbeResult {
  requireMs?: number;
  activateMs?: number | null;
  cpuMs?: number;
  hasActivate?: boolean;
  /** Child processes the extension started before activate settled (its language server). */
  processesStarted?: number;
  /** Child processes started after activate settled, until the extension said it had started. */
  processesAfterActivation?: number;
  /** How long after activate settled the first process after it started (null: none within 5 s). */
  startedAfterMs?: number | null;
  /** `window.showErrorMessage` calls: the extension reporting a failure to the user. */
  errorsShown?: number;
  error?: string | null;
}

/**
 * Activation: `require` of dist/extension.js plus `activate(context)`, each in a fresh
 * Node process with a stub of the `vscode` module (editor/activationProbe.cjs). What VS Code
 * itself adds is not in the figure; what the bundle costs at load and activation is.
 */
export async function activationFigure(root: string, runs: number): Promise<Figure> {
  const id = 'activation';
  const title = 'extension activation (require + activate)';
  const goal = '≤ 50 ms';
  const bundle = join(root, 'dist', 'extension.js');
  if (
    !(await stat(bundle).then(
      () => true,
      () => false,
    ))
  ) {
    return pending(id, GROUP, title, goal, 'pending: dist/extension.js not built yet (src/extension/main.ts does not exist)');
  }
  const results: ProbeResult[] = [];
  for (let run = 0; run < runs; run++) results.push(await probe(bundle));
  const failure = results.find((r) => r.error);
  if (failure || results.some((r) => r.requireMs === undefined)) {
    return pending(id, GROUP, title, goal, `pending: could not be measured under the stub (${failure?.error ?? 'no result'}); see bench/editor/activationProbe.cjs`);
  }
  const total = median(results.map((r) => (r.requireMs ?? 0) + (r.activateMs ?? 0)));
  const required = median(results.map((r) => r.requireMs ?? 0));
  const activated = median(results.map((r) => r.activateMs ?? 0));
  const spawned = results[0].processesStarted ?? 0;
  const shown = results[0].errorsShown ?? 0;
  return {
    id,
    group: GROUP,
    title,
    product: { value: total, unit: 'ms', label: 'require(dist/extension.js) + activate(context), vscode stubbed' },
    baseline: null,
    ratio: null,
    goal,
    status: total <= 50 ? 'met' : 'missed',
    notes: [
      `median of ${runs} fresh processes: require ${required.toFixed(1)} ms, activate ${activated.toFixed(1)} ms${results[0].hasActivate ? '' : ' (the bundle exports no activate)'}; CPU time ${median(results.map((r) => r.cpuMs ?? 0)).toFixed(1)} ms (wall time counts waiting for a core on a busy machine)`,
      spawned > 0
        ? `activate started ${spawned} process(es) before its promise settled${shown > 0 ? ' and reported an error to the user (under the stub)' : ''}: a server started inside activate is part of activation`
        : results[0].startedAfterMs == null
          ? 'activate started no process, and none started within 5 s after it returned: the language server did NOT start'
          : `activate started no process; the language server started ${median(results.map((r) => r.startedAfterMs ?? 0)).toFixed(0)} ms after activate returned (${results[0].processesAfterActivation} process(es))`,
    ],
  };
}

function probe(bundle: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(__dirname, 'activationProbe.cjs'), bundle], { timeout: 30_000 }, (error, stdout) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ProbeResult);
      } catch {
        resolve({ error: error ? error.message.split('\n')[0] : `unreadable probe output: ${line.slice(0, 200)}` });
      }
    });
  });
}
