import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { ConfigError } from '../core/config/configError';
import { DeploymentError } from '../core/deployments/types';
import { investigate, InvestigationInputError } from '../core/findings/investigate';
import { GitError } from '../core/git/types';
import { MetricsInputError, modelMetrics, type MetricsBreakdown } from '../core/metrics/modelMetrics';
import { commitProvenance, type CommitProvenance } from '../core/provenance/commitProvenance';
import type { CommitLinks } from '../core/git/remoteLinks';
import { commitModeSplits } from '../core/provenance/commitModeSplits';
import { rerunLastWrites, rerunsAfterCommits } from '../core/rerun/commitReruns';
import { checkReadiness } from '../core/readiness/readiness';
import { rerunImpact } from '../core/rerun/rerunImpact';
import { EXIT_CODES, verifyDeployment } from '../core/verify/verifyDeployment';
import type { DateWindow } from '../core/warehouse/catalog';
import { formatBytes, parseByteSize } from '../core/report/bytes';
import { investigationMarkdown } from '../core/report/investigationMarkdown';
import { parseDate } from '../core/warehouse/temporalValues';
import { loadWithDuckdb } from '../core/warehouse/embedded/duckdbBinding';
import { assertRunnable, planQuery, writeRefusal, type QueryPlan } from '../core/warehouse/queryGuard';
import { parseParameterAssignment, type TypedParameter } from '../core/warehouse/parameterText';
import { WarehouseError, type Warehouse } from '../core/warehouse/types';
import { Workspace } from '../core/workspace';
import { renderInvestigation } from './render/renderFindings';
import { renderMetrics } from './render/renderMetrics';
import { renderProvenance } from './render/renderProvenance';
import { renderReadiness } from '../core/report/renderReadiness';
import { renderRerun } from './render/renderRerun';
import { renderVerify } from '../core/report/renderVerify';
import { textTable } from './render/textTable';
import { confirmOnTerminal } from './confirmWrite';
import { credentialHostsFromEnv } from './credentialHostsFromEnv';
import { registerCompareProfiles } from './commands/compareProfiles';
import { FAIL_LEVELS, failOnVerdict, type FailLevel } from './failOn';
import { inputPath } from './inputPath';
import { HandoffNoteError, notePaths, writeNoteFiles } from './handoffNoteFiles';
import { noteChart } from '../core/report/noteChart';
import { loadChartTimeline } from '../core/report/loadChartTimeline';

/** A mistake in how the command was called: said in one line, exit 2. */
class UsageError extends Error {}

const JSON_VERSION = 1;

interface GlobalOptions {
  config?: string;
  cwd?: string;
  debug?: boolean;
  requestTimeout?: number;
  queryTimeout?: number;
  profile?: string;
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Asks a person to confirm a write: true for "yes", null when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean | null>;
  /** Where the user stands (default: the process's working directory); relative paths start here. */
  cwd?: string;
}

const PROCESS_IO: CliIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), confirm: confirmOnTerminal };

function openWorkspace(globals: GlobalOptions, here: string): Workspace {
  const cwd = globals.cwd ? resolve(here, globals.cwd) : here;
  const credentialHosts = credentialHostsFromEnv(process.env);
  if ('problem' in credentialHosts) throw new UsageError(credentialHosts.problem);
  let configFile: string | undefined;
  if (globals.config) {
    const found = inputPath(globals.config, here, globals.cwd);
    if ('tried' in found) throw new UsageError(`--config ${globals.config}: no such file (looked for ${found.tried.join(' and ')}).`);
    configFile = found.path;
  }
  const workspace = Workspace.open({ configFile, cwd, credentialHosts, profile: globals.profile });
  const warehouse = workspace.config.warehouse;
  if (warehouse.kind !== 'bigquery' || (globals.requestTimeout === undefined && globals.queryTimeout === undefined)) return workspace;
  // The flags win over pipeline-lens.json for this run.
  const limited = {
    ...warehouse,
    requestTimeoutSeconds: globals.requestTimeout ?? warehouse.requestTimeoutSeconds,
    queryTimeoutSeconds: globals.queryTimeout ?? warehouse.queryTimeoutSeconds,
  };
  return new Workspace({ ...workspace.config, warehouse: limited }, undefined, credentialHosts);
}

function parseSeconds(flag: string): (text: string) => number {
  return (text) => {
    const seconds = Number(text);
    if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0)
      throw new UsageError(`${flag} ${text} is not a number of seconds; give a positive number, e.g. ${flag} 60.`);
    return seconds;
  };
}

async function withWorkspace<T>(globals: GlobalOptions, here: string, run: (w: Workspace) => Promise<T>): Promise<T> {
  const workspace = openWorkspace(globals, here);
  try {
    return await run(workspace);
  } finally {
    await workspace.close();
  }
}

/** The service `verify` checks when none is named: the configured one, if there is exactly one. */
function onlyService(workspace: Workspace): string {
  const names = workspace.config.services.map((s) => s.name);
  if (names.length === 1) return names[0];
  if (names.length === 0) throw new UsageError(`${workspace.config.file} configures no service; add one under "services" (see docs/configuration.md) to verify its deployment.`);
  throw new UsageError(`${workspace.config.file} configures ${names.length} services (${names.join(', ')}); name the one to verify with --service, e.g. --service ${names[0]}.`);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function checkWindowOptions(options: { from?: string; to?: string }): void {
  for (const [flag, value] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const) {
    if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) throw new UsageError(`${flag} ${value} is not a date; use YYYY-MM-DD, e.g. 2026-01-09.`);
  }
  if (options.from && options.to && options.from > options.to) throw new UsageError(`--from ${options.from} is after --to ${options.to}.`);
}

async function windowFrom(options: { from?: string; to?: string }, workspace: Workspace, io: CliIO): Promise<DateWindow> {
  checkWindowOptions(options);
  if (options.from && options.to) return { from: options.from, to: options.to };
  const fallback = await workspace.defaultWindowBasis();
  if (fallback.note) io.stderr(`${fallback.note}\n`);
  const window = { from: options.from ?? fallback.window.from, to: options.to ?? fallback.window.to };
  // A bound named past the data's own range (e.g. --from two weeks ago on data that stopped
  // earlier) takes the other bound from the calendar, so the window is never reversed.
  if (window.from > window.to) return { from: options.from ?? fallback.calendar.from, to: options.to ?? fallback.calendar.to };
  return window;
}

function parseDays(text: string): number {
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError(`--grading-days ${text} is not a number of days; give a whole number from 1 to 366.`);
  return days;
}

function parseParam(spec: string, previous: Record<string, TypedParameter>): Record<string, TypedParameter> {
  const assignment = parseParameterAssignment(spec);
  if ('problem' in assignment) throw new UsageError(`--param ${assignment.problem} (the rule: docs/cli.md, "Query parameters").`);
  return { ...previous, [assignment.name]: assignment.parameter };
}

function parseMaxBytes(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === null) throw new UsageError(`--max-bytes ${text} is not a size; give bytes (e.g. 500000000) or a size such as 500MB or 20GiB.`);
  return bytes;
}

function renderDryRun(plan: QueryPlan, warehouse: Warehouse, cap: number | null): string {
  const lines = [`Dry run on ${warehouse.describe()}: nothing was run.`, `Statement:      ${plan.statementType}${plan.targets.length ? ` on ${plan.targets.join(', ')}` : ''}`];
  if (plan.checkedBy === 'dry-run') {
    lines.push(`Would process:  ${plan.bytesProcessed === null ? 'unknown' : `${formatBytes(plan.bytesProcessed)} (${plan.bytesProcessed} bytes)`}`);
    if (plan.referencedTables.length) lines.push(`Tables read:    ${plan.referencedTables.join(', ')}`);
  } else {
    lines.push('Would process:  not estimated (the embedded warehouse reads local files; nothing is billed)');
  }
  if (cap !== null) {
    const over = plan.bytesProcessed !== null && plan.bytesProcessed > cap;
    lines.push(`Cap:            ${formatBytes(cap)} (${cap} bytes)${over ? ': the estimate is above it, so the query would be refused' : ''}`);
  }
  if (plan.kind !== 'query') {
    lines.push(
      warehouse.kind === 'embedded'
        ? 'It changes data, which the read-only embedded warehouse refuses.'
        : 'It changes data: running it needs --allow-write and a "yes" typed at the terminal.',
    );
  }
  return lines.join('\n');
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
    .option('--profile <name>', 'warehouse profile from pipeline-lens.json "warehouses" (default: defaultWarehouse)')
    .option('--request-timeout <seconds>', 'how long one request to BigQuery may go unanswered (default: warehouse.requestTimeoutSeconds, 30)', parseSeconds('--request-timeout'))
    .option(
      '--query-timeout <seconds>',
      'how long one BigQuery query may run before its job is cancelled (default: warehouse.queryTimeoutSeconds, 600)',
      parseSeconds('--query-timeout'),
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) })
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  const here = io.cwd ?? process.cwd();

  program
    .command('demo')
    .description('create or refresh the demo workspace (a git repository and warehouse reproducing a real incident) and print its path')
    .option('--dir <dir>', 'where to create it', 'pipeline-lens-demo')
    .option('--investigate', 'also print the investigation of the demo')
    .action(async (options: { dir: string; investigate?: boolean }) => {
      const dir = resolve(here, globals().cwd ?? '.', options.dir);
      // Loaded here: the generator writes Parquet through DuckDB, whose native binding the
      // other commands need only on the embedded warehouse.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only by this command (see above)
      const { generateDemo } = loadWithDuckdb(() => require('../../demo/generateDemo') as typeof import('../../demo/generateDemo'));
      const manifest = await generateDemo(dir);
      print(`Demo workspace ready: ${manifest.root}`);
      if (!options.investigate) {
        print(`Try: pipeline-lens --cwd ${manifest.root} investigate`);
        return;
      }
      print('');
      await withWorkspace({ ...globals(), cwd: manifest.root, config: undefined }, here, async (w) => {
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
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding at this level exists: critical, or warning (critical, high or medium)').choices(FAIL_LEVELS))
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .option('--markdown', 'the report as markdown: the handoff note the editor exports')
    .option('--output <file.md>', 'with --markdown: write the note to this file and its hit-rate chart beside it (.svg), asking before replacing either')
    .action(async (options: { model?: string[]; from?: string; to?: string; failOn?: FailLevel; json?: boolean; markdown?: boolean; output?: string }) => {
      if (options.json && options.markdown) throw new UsageError('--json and --markdown both choose the output; give one.');
      if (options.output !== undefined && !options.markdown)
        throw new UsageError(`--output writes the handoff note: give --markdown with it, e.g. investigate --markdown --output ${options.output}.`);
      const paths = options.output !== undefined ? notePaths(options.output, here) : null;
      await withWorkspace(globals(), here, async (w) => {
        const window = await windowFrom(options, w, io);
        const found = await investigate(w, { window, models: options.model });
        const verdict = options.failOn ? failOnVerdict(found.findings, options.failOn) : null;
        if (options.json) {
          printJson('investigate', {
            window: found.window,
            models: found.models,
            findings: found.findings,
            skipped: found.skipped,
            ...(verdict ? { failOn: { level: verdict.level, matched: verdict.matched, exitCode: verdict.exitCode } } : {}),
          });
        } else if (options.markdown) {
          const source = { configFile: w.config.file, warehouse: (await w.warehouse()).describe() };
          // The chart of the editor's report: the window's most graded models, whatever --model says.
          const loaded = await loadChartTimeline(w, found.window).catch((error: unknown) => ({ timeline: null, skipped: [(error as Error).message] }));
          const chart = noteChart(loaded.timeline, paths ? basename(paths.chart) : null, loaded.skipped.join('; ') || undefined);
          const note = investigationMarkdown(found, { source, generatedAt: new Date().toISOString(), chart: chart.note });
          if (paths) {
            const written = await writeNoteFiles(paths, { note, svg: chart.svg }, here, io.confirm);
            // Outside where the user stands, the whole path reads better than a climb of ../
            const shown = (p: string) => (relative(here, p).startsWith('..') ? p : relative(here, p));
            print(`Wrote ${written.map(shown).join(' and ')}.`);
          } else print(note.trimEnd());
          if (verdict) io.stderr(`${verdict.summary}\n`);
        } else {
          print(renderInvestigation(found, { configFile: w.config.file, warehouse: (await w.warehouse()).describe() }));
          if (verdict) print(verdict.summary);
        }
        if (verdict) result.exitCode = verdict.exitCode;
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
      checkWindowOptions(options);
      await withWorkspace(globals(), here, async (w) => {
        // The window comes from the data (a warehouse query): read while git walks, not before.
        const windowRead = windowFrom(options, w, io);
        // When each model's re-runs last wrote is read beside the git work; the re-runs'
        // pairing, the heavy query, then runs only for models written to after a commit.
        const lastWrites = windowRead.then((window) => rerunLastWrites(w, window));
        // Awaited below; a failure of the git work first must not leave them unhandled.
        windowRead.catch(() => undefined);
        lastWrites.catch(() => undefined);
        // One git conversation for the commits, their files, the builds the records and the re-runs name.
        const { provenances, links, reruns, modeSplits } = await (
          await w.git()
        ).batched(async (git) => {
          const provenances = await commitProvenance(w, shas, { window: windowRead, git });
          const window = await windowRead;
          const found = provenances.flatMap((p) => (p.commit ? [p.commit.sha] : []));
          const [links, reruns, modeSplits] = await Promise.all([
            found.length ? git.commitLinks(found) : Promise.resolve(new Map<string, CommitLinks>()),
            rerunsAfterCommits(w, provenances, window, git, lastWrites),
            commitModeSplits(w, provenances, window, git),
          ]);
          return { provenances, links, reruns, modeSplits };
        });
        const extras = (p: CommitProvenance) => ({
          links: p.commit ? (links.get(p.commit.sha) ?? null) : null,
          reruns: p.commit && reruns.recorded ? (reruns.byCommit.get(p.commit.sha) ?? []) : null,
          rerunsNotRecorded: reruns.recorded ? null : reruns.reason,
          decompositions: p.commit && modeSplits.checked ? (modeSplits.byCommit.get(p.commit.sha) ?? []) : null,
          decompositionsNotChecked: modeSplits.checked ? null : modeSplits.reason,
        });
        if (options.json) printJson('commit', { commits: provenances.map((p) => ({ ...p, ...extras(p) })) });
        else print(provenances.map((p) => renderProvenance(p, extras(p))).join('\n\n'));
        if (provenances.some((p) => p.resolution !== 'found')) result.exitCode = 2;
      });
    });

  program
    .command('metrics')
    .description('hit rate, MAE, bias, std, direction and high-edge hit rate of a model, with sample sizes and intervals')
    .requiredOption('--model <id>', 'model id')
    .addOption(new Option('--by <breakdown>', 'rows by').choices(['commit', 'date', 'period']).default('commit'))
    .option(
      '--split-at <sha|date|time>',
      'with --by period: a commit (builds containing it vs not), a date (by the date predicted for) or a time (by when each prediction was made)',
    )
    .option('--from <date>', 'first date (YYYY-MM-DD)')
    .option('--to <date>', 'last date (YYYY-MM-DD)')
    .option('--wide', 'one table however wide, labels whole (default: two tables within 100 columns)')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { model: string; by: MetricsBreakdown; splitAt?: string; from?: string; to?: string; wide?: boolean; json?: boolean }) => {
      await withWorkspace(globals(), here, async (w) => {
        const window = await windowFrom(options, w, io);
        const report = await modelMetrics(w, options.model, options.by, { window, splitAt: options.splitAt });
        if (options.json) printJson('metrics', { ...report });
        else print(renderMetrics(report, { wide: options.wide }));
      });
    });

  program
    .command('rerun-impact')
    .description('what re-runs (backfills, regenerations) of these game dates replaced: rows superseded, regenerated, deleted, and the hit rate on the same keys before and after')
    .option('--from <date>', 'first game date re-run (YYYY-MM-DD)')
    .option('--to <date>', 'last game date re-run (YYYY-MM-DD)')
    .option('--model <id...>', 'only these models')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { from?: string; to?: string; model?: string[]; json?: boolean }) => {
      await withWorkspace(globals(), here, async (w) => {
        const window = await windowFrom(options, w, io);
        const impact = await rerunImpact(w, { window, models: options.model });
        if (!impact.recorded) throw new ConfigError(impact.reason, w.config.file, '/tables/predictions/columns/active');
        if (options.json)
          printJson('rerun-impact', {
            window: impact.window,
            models: impact.models,
            markedBy: impact.markedBy,
            notRecorded: impact.notRecorded,
            perModel: impact.perModel,
            largestChanges: impact.largestChanges,
          });
        else print(renderRerun(impact));
      });
    });

  program
    .command('verify')
    .description('before a backfill: does the deployed revision contain every commit of the target touching the service? exit 0 ok, 1 stale, 2 unknown')
    .option('--service <name>', 'service from pipeline-lens.json (default: the only one configured)')
    .option('--target <rev>', 'revision the backfill is meant to run', 'HEAD')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { service?: string; target: string; json?: boolean }) => {
      await withWorkspace(globals(), here, async (w) => {
        const verdict = await verifyDeployment(w, options.service ?? onlyService(w), options.target);
        if (options.json) printJson('verify', { ...verdict, exitCode: EXIT_CODES[verdict.verdict] });
        else print(renderVerify(verdict));
        result.exitCode = EXIT_CODES[verdict.verdict];
      });
    });

  program
    .command('check')
    .description('before the run for a date: feature store rows, critical-feature coverage, recent grading, every service serving HEAD. exit 0 ready, 1 not ready, 2 unknown')
    .requiredOption('--date <date>', 'the game date about to be run (YYYY-MM-DD)')
    .option('--grading-days <n>', 'days before the date that must be graded (default: readiness.gradingDays, 7)', parseDays)
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { date: string; gradingDays?: number; json?: boolean }) => {
      if (parseDate(options.date) === null) throw new UsageError(`--date ${options.date} is not a date; use YYYY-MM-DD, e.g. 2026-02-03.`);
      await withWorkspace(globals(), here, async (w) => {
        const readiness = await checkReadiness(w, options.date, { gradingDays: options.gradingDays });
        if (options.json) printJson('check', { ...readiness });
        else print(renderReadiness(readiness));
        result.exitCode = readiness.exitCode;
      });
    });

  program
    .command('query')
    .description('run a read-only SQL query (BigQuery dialect) on the configured warehouse; FILE or - for standard input')
    .argument('<file>', 'SQL file, or - to read standard input')
    .option(
      '--param <name[:TYPE]=value>',
      'query parameter for @name, repeatable; typed by its value (2026-01-09 DATE, 2026-01-30T07:41:00Z TIMESTAMP, 42 INT64, 0.5 FLOAT64, true BOOL, else STRING) or by :TYPE',
      parseParam,
      {},
    )
    .option('--dry-run', 'ask the warehouse what the statement is and how many bytes it would scan; run nothing')
    .option('--allow-write', 'let a statement that changes data (DML, DDL) run on BigQuery, after you type yes at the terminal')
    .option('--max-bytes <size>', 'bytes-billed cap for this query (e.g. 500MB, 20GiB) instead of warehouse.maximumBytesBilled', parseMaxBytes)
    .option('--json', 'rows as JSON')
    .action(async (file: string, options: { param: Record<string, TypedParameter>; dryRun?: boolean; allowWrite?: boolean; maxBytes?: number; json?: boolean }) => {
      let sql: string;
      if (file === '-') sql = readFileSync(0, 'utf8');
      else {
        const found = inputPath(file, here, globals().cwd);
        if ('tried' in found) throw new UsageError(`Cannot read ${file}: no such file (looked for ${found.tried.join(' and ')}).`);
        try {
          sql = readFileSync(found.path, 'utf8');
        } catch (error) {
          throw new UsageError(`Cannot read ${found.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check that it is a readable file.`);
        }
      }
      if (sql.trim() === '') throw new UsageError(`${file === '-' ? 'Standard input' : file} holds no SQL.`);
      await withWorkspace(globals(), here, async (w) => {
        const warehouse = await w.warehouse();
        const params = Object.fromEntries(Object.entries(options.param).map(([k, v]) => [k, v.value]));
        const types = Object.fromEntries(Object.entries(options.param).map(([k, v]) => [k, v.type]));
        const query = { name: 'user', sql, params, types };
        const profileCap = w.config.warehouse.kind === 'bigquery' ? w.config.warehouse.maximumBytesBilled : null;
        const cap = warehouse.kind === 'bigquery' ? (options.maxBytes ?? profileCap) : null;
        // The engine says what the statement is (a dry run on BigQuery) before anything runs.
        const plan = await planQuery(warehouse, query);
        if (options.dryRun) {
          if (options.json) {
            printJson('query', {
              dryRun: true,
              statementType: plan.statementType,
              targets: plan.targets,
              bytesProcessed: plan.bytesProcessed,
              referencedTables: plan.referencedTables,
              maximumBytesBilled: cap,
            });
          } else print(renderDryRun(plan, warehouse, cap));
          return;
        }
        const subject = file === '-' ? 'the SQL on standard input' : file;
        let writeConfirmed = false;
        if (plan.kind !== 'query') {
          if (warehouse.kind === 'embedded') throw writeRefusal(subject, plan.statementType, plan.targets, 'embedded');
          if (!options.allowWrite) {
            throw writeRefusal(subject, plan.statementType, plan.targets, 'bigquery', `To run it, pass --allow-write and type yes when asked.`);
          }
          const on = plan.targets.length ? ` on ${plan.targets.join(', ')}` : '';
          const answer = io.confirm ? await io.confirm(`${subject} is ${plan.statementType}${on} in ${warehouse.describe()}. Type yes to run it: `) : null;
          if (answer === null) {
            throw writeRefusal(
              subject,
              plan.statementType,
              plan.targets,
              'bigquery',
              '--allow-write needs a person to type yes at a terminal, and there is none here (standard input or error is not a terminal); run it from an interactive shell.',
            );
          }
          if (!answer) throw writeRefusal(subject, plan.statementType, plan.targets, 'bigquery', 'The write was not confirmed.');
          writeConfirmed = true;
        }
        const maximumBytesBilledSource = options.maxBytes !== undefined ? '--max-bytes' : 'config';
        assertRunnable(warehouse, plan, query, { writeConfirmed, maximumBytesBilled: cap, maximumBytesBilledSource });
        const answer = await warehouse.query(query, { writeConfirmed, maximumBytesBilled: cap ?? undefined, maximumBytesBilledSource });
        if (options.json) printJson('query', { columns: answer.columns, rows: answer.rows, bytesProcessed: answer.bytesProcessed });
        else {
          const cell = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
          print(
            textTable(
              answer.columns,
              answer.rows.map((r) => answer.columns.map((c) => cell(r[c]))),
            ),
          );
          const scanned = answer.bytesProcessed === null ? '' : `, ${formatBytes(answer.bytesProcessed)} processed`;
          print(`(${answer.rows.length} row${answer.rows.length === 1 ? '' : 's'}${scanned})`);
        }
      });
    });

  registerCompareProfiles(program, {
    open: () => openWorkspace(globals(), here),
    credentialHosts: () => {
      const hosts = credentialHostsFromEnv(process.env);
      if ('problem' in hosts) throw new UsageError(hosts.problem);
      return hosts;
    },
    usageError: (message) => new UsageError(message),
    print,
    printJson,
    setExitCode: (code) => (result.exitCode = code),
  });

  return program;
}

const KNOWN_ERRORS = [ConfigError, GitError, WarehouseError, DeploymentError, MetricsInputError, InvestigationInputError, UsageError, HandoffNoteError];

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
  // main answers every failure with an exit code; it does not reject.
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
