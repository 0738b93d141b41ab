import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateDemo } from '../../demo/generateDemo';
import { ConfigError } from '../core/config/configError';
import { DeploymentError } from '../core/deployments/types';
import { investigate, InvestigationInputError } from '../core/findings/investigate';
import { GitError } from '../core/git/types';
import { MetricsInputError, modelMetrics, type MetricsBreakdown } from '../core/metrics/modelMetrics';
import { commitProvenance } from '../core/provenance/commitProvenance';
import { EXIT_CODES, verifyDeployment } from '../core/verify/verifyDeployment';
import type { DateWindow } from '../core/warehouse/catalog';
import { classifyStatement } from '../core/warehouse/statementKind';
import { WarehouseError, type ParamType, type ParamValue } from '../core/warehouse/types';
import { Workspace } from '../core/workspace';
import { renderInvestigation } from './render/renderFindings';
import { renderMetrics } from './render/renderMetrics';
import { renderProvenance } from './render/renderProvenance';
import { renderVerify } from './render/renderVerify';
import { textTable } from './render/textTable';

/** A mistake in how the command was called: said in one line, exit 2. */
class UsageError extends Error {}

const JSON_VERSION = 1;

interface GlobalOptions {
  config?: string;
  cwd?: string;
  debug?: boolean;
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS_IO: CliIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

function openWorkspace(globals: GlobalOptions): Workspace {
  const cwd = globals.cwd ? resolve(globals.cwd) : process.cwd();
  return Workspace.open({ configFile: globals.config ? resolve(cwd, globals.config) : undefined, cwd });
}

async function withWorkspace<T>(globals: GlobalOptions, run: (w: Workspace) => Promise<T>): Promise<T> {
  const workspace = openWorkspace(globals);
  try {
    return await run(workspace);
  } finally {
    await workspace.close();
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function windowFrom(options: { from?: string; to?: string }, fallback: () => Promise<DateWindow>): Promise<DateWindow> {
  for (const [flag, value] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const) {
    if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) throw new UsageError(`${flag} ${value} is not a date; use YYYY-MM-DD, e.g. 2026-01-09.`);
  }
  if (options.from && options.to && options.from > options.to) throw new UsageError(`--from ${options.from} is after --to ${options.to}.`);
  return fallback().then((w) => ({ from: options.from ?? w.from, to: options.to ?? w.to }));
}

function parseParam(spec: string, previous: Record<string, { type: ParamType; value: ParamValue }>) {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::(STRING|INT64|FLOAT64|BOOL|DATE|TIMESTAMP))?=(.*)$/s.exec(spec);
  if (!match) throw new UsageError(`--param ${spec} is not name=value or name:TYPE=value (TYPE: STRING, INT64, FLOAT64, BOOL, DATE, TIMESTAMP).`);
  const [, name, type = 'STRING', raw] = match;
  let value: ParamValue = raw;
  if (type === 'INT64' || type === 'FLOAT64') {
    value = Number(raw);
    if (!Number.isFinite(value) || (type === 'INT64' && !Number.isInteger(value))) throw new UsageError(`--param ${name}: "${raw}" is not a ${type}.`);
  } else if (type === 'BOOL') {
    if (raw !== 'true' && raw !== 'false') throw new UsageError(`--param ${name}: use true or false.`);
    value = raw === 'true';
  }
  return { ...previous, [name]: { type: type as ParamType, value } };
}

/** Builds the command tree; `result.exitCode` is what the finished command asks to exit with. */
export function buildProgram(io: CliIO = PROCESS_IO, result: { exitCode: number } = { exitCode: 0 }): Command {
  const print = (text: string) => io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  const printJson = (command: string, body: Record<string, unknown>) => print(JSON.stringify({ version: JSON_VERSION, command, ...body }, null, 2));
  const program = new Command('pipeline-lens')
    .description('Which code produced these numbers, was it deployed when it ran, and what did it do to the results?')
    .option('--config <path>', 'pipeline-lens.json to use (default: found by walking up from the working directory)')
    .option('--cwd <dir>', 'run as if started in this directory')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError()
    .configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) })
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();

  program
    .command('demo')
    .description('create or refresh the demo workspace (a git repository and warehouse reproducing a real incident) and print its path')
    .option('--dir <dir>', 'where to create it', 'pipeline-lens-demo')
    .option('--investigate', 'also print the investigation of the demo')
    .action(async (options: { dir: string; investigate?: boolean }) => {
      const dir = resolve(globals().cwd ?? process.cwd(), options.dir);
      const manifest = await generateDemo(dir);
      print(`Demo workspace ready: ${manifest.root}`);
      if (!options.investigate) {
        print(`Try: pipeline-lens --cwd ${manifest.root} investigate`);
        return;
      }
      print('');
      await withWorkspace({ ...globals(), cwd: manifest.root, config: undefined }, async (w) => {
        print(renderInvestigation(await investigate(w), { configFile: w.config.file, warehouse: (await w.warehouse()).describe() }));
      });
      print('');
      print(`Next: pipeline-lens --cwd ${manifest.root} commit ${manifest.commits.fix.slice(0, 8)}`);
      print(`      pipeline-lens --cwd ${manifest.root} verify --service prediction-worker`);
    });

  program
    .command('investigate')
    .description('ranked findings: deployment gaps, metric shifts, feature coverage, grading, skew')
    .option('--model <id...>', 'only these models')
    .option('--from <date>', 'first date (YYYY-MM-DD)')
    .option('--to <date>', 'last date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { model?: string[]; from?: string; to?: string; json?: boolean }) => {
      await withWorkspace(globals(), async (w) => {
        const window = await windowFrom(options, () => w.defaultWindow());
        const found = await investigate(w, { window, models: options.model });
        if (options.json) printJson('investigate', { window: found.window, models: found.models, findings: found.findings, skipped: found.skipped });
        else print(renderInvestigation(found, { configFile: w.config.file, warehouse: (await w.warehouse()).describe() }));
      });
    });

  program
    .command('commit')
    .description('provenance of commits: deployments, runs on older code in the gap, results of the builds')
    .argument('<sha...>', 'commit SHAs (7-40 hex characters)')
    .option('--from <date>', 'first date of the results window')
    .option('--to <date>', 'last date of the results window')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (shas: string[], options: { from?: string; to?: string; json?: boolean }) => {
      for (const sha of shas) if (!/^[0-9a-f]{4,40}$/i.test(sha)) throw new UsageError(`"${sha}" is not a commit SHA: give 4 to 40 hexadecimal characters.`);
      await withWorkspace(globals(), async (w) => {
        const window = await windowFrom(options, () => w.defaultWindow());
        const provenances = await commitProvenance(w, shas, { window });
        if (options.json) printJson('commit', { commits: provenances });
        else print(provenances.map(renderProvenance).join('\n\n'));
        if (provenances.some((p) => p.resolution !== 'found')) result.exitCode = 2;
      });
    });

  program
    .command('metrics')
    .description('hit rate, MAE, bias, std, direction and high-edge hit rate of a model, with sample sizes and intervals')
    .requiredOption('--model <id>', 'model id')
    .addOption(new Option('--by <breakdown>', 'rows by').choices(['commit', 'date', 'period']).default('commit'))
    .option('--split-at <sha|timestamp>', 'with --by period: a commit (builds containing it vs not) or a date/timestamp')
    .option('--from <date>', 'first date (YYYY-MM-DD)')
    .option('--to <date>', 'last date (YYYY-MM-DD)')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { model: string; by: MetricsBreakdown; splitAt?: string; from?: string; to?: string; json?: boolean }) => {
      await withWorkspace(globals(), async (w) => {
        const window = await windowFrom(options, () => w.defaultWindow());
        const report = await modelMetrics(w, options.model, options.by, { window, splitAt: options.splitAt });
        if (options.json) printJson('metrics', { ...report });
        else print(renderMetrics(report));
      });
    });

  program
    .command('verify')
    .description('before a backfill: does the deployed revision contain every commit of the target touching the service? exit 0 ok, 1 stale, 2 unknown')
    .requiredOption('--service <name>', 'service from pipeline-lens.json')
    .option('--target <rev>', 'revision the backfill is meant to run', 'HEAD')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { service: string; target: string; json?: boolean }) => {
      await withWorkspace(globals(), async (w) => {
        const verdict = await verifyDeployment(w, options.service, options.target);
        if (options.json) printJson('verify', { ...verdict, exitCode: EXIT_CODES[verdict.verdict] });
        else print(renderVerify(verdict));
        result.exitCode = EXIT_CODES[verdict.verdict];
      });
    });

  program
    .command('query')
    .description('run a read-only SQL query (BigQuery dialect) on the configured warehouse; FILE or - for standard input')
    .argument('<file>', 'SQL file, or - to read standard input')
    .option('--param <name[:TYPE]=value>', 'query parameter, repeatable (@name in the SQL)', parseParam, {})
    .option('--json', 'rows as JSON')
    .action(async (file: string, options: { param: Record<string, { type: ParamType; value: ParamValue }>; json?: boolean }) => {
      let sql: string;
      try {
        sql = file === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(globals().cwd ?? process.cwd(), file), 'utf8');
      } catch {
        throw new UsageError(`Cannot read ${file}: no such file or not readable.`);
      }
      if (sql.trim() === '') throw new UsageError(`${file === '-' ? 'Standard input' : file} holds no SQL.`);
      const kind = classifyStatement(sql);
      if (kind.kind !== 'query') {
        throw new WarehouseError(
          `Refused: ${file} is ${kind.kind === 'script' ? 'a script of several statements' : `a ${kind.statementType}`}${kind.targets.length ? ` on ${kind.targets.join(', ')}` : ''}; this command only runs queries (SELECT / WITH), and nothing was executed.`,
          'write-refused',
        );
      }
      await withWorkspace(globals(), async (w) => {
        const warehouse = await w.warehouse();
        const params = Object.fromEntries(Object.entries(options.param).map(([k, v]) => [k, v.value]));
        const types = Object.fromEntries(Object.entries(options.param).map(([k, v]) => [k, v.type]));
        const answer = await warehouse.query({ name: 'user', sql, params, types });
        if (options.json) printJson('query', { columns: answer.columns, rows: answer.rows, bytesProcessed: answer.bytesProcessed });
        else {
          const cell = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
          print(textTable(answer.columns, answer.rows.map((r) => answer.columns.map((c) => cell(r[c])))));
          print(`(${answer.rows.length} row${answer.rows.length === 1 ? '' : 's'})`);
        }
      });
    });

  return program;
}

const KNOWN_ERRORS = [ConfigError, GitError, WarehouseError, DeploymentError, MetricsInputError, InvestigationInputError, UsageError];

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CliIO = PROCESS_IO): Promise<number> {
  const result = { exitCode: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print themselves and exit 0; usage mistakes were already explained.
      return error.exitCode === 0 ? 0 : 2;
    }
    const debug = argv.includes('--debug');
    const known = KNOWN_ERRORS.some((k) => error instanceof k);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`pipeline-lens: ${known ? message : `unexpected error: ${message} (run again with --debug for details)`}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
