// The floor of a git-bound figure: the least git and SQL work that gives the same answer,
// run in a fresh Node process so its memory is measured alone. Plain CommonJS, run by bare
// `node`: a TypeScript loader would add its own time and memory to what is measured.
// Usage: node floorProbe.cjs <job.json> ; prints one JSON line.
//
// job: { cwd, tokens: [...], revisions: [...], details: bool, sql: string | null }
//  - `git cat-file --batch-check` for the tokens (what they name),
//  - then `git log --no-walk --name-only` for the commits found (subject, author, files),
//  - `git rev-list --parents` from the revisions (the graph every ancestry answer needs),
//  - one DuckDB query (the results by build),
// independent steps at the same time, as a program that wanted only the answer would run them.
'use strict';
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');

function git(job, args, input) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('git', args, { cwd: job.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git ${args[0]} exited ${code}: ${err.trim().slice(0, 300)}`));
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, output: Buffer.concat(out) });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

async function main() {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  // Loaded before the clock starts, as a running server has it loaded.
  const duckdb = job.sql ? require('@duckdb/node-api') : null;
  const started = process.hrtime.bigint();
  const steps = {};
  const resolveAndDescribe = (async () => {
    if (job.tokens.length === 0) return;
    const checked = await git(job, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], job.tokens.map((t) => `${t}^{commit}\n`).join(''));
    steps.catFile = checked.ms;
    const shas = checked.output
      .toString('utf8')
      .split('\n')
      .filter((line) => line.endsWith(' commit'))
      .map((line) => line.slice(0, line.indexOf(' ')));
    steps.found = shas.length;
    if (!job.details || shas.length === 0) return;
    const log = await git(
      job,
      [
        'log',
        '--no-walk=unsorted',
        '--stdin',
        '--no-color',
        '--root',
        '-z',
        '--name-only',
        '--no-renames',
        '--diff-merges=first-parent',
        '--format=%H%x00%P%x00%an%x00%ae%x00%at%x00%ct%x00%s',
      ],
      shas.map((s) => `${s}\n`).join(''),
    );
    steps.log = log.ms;
    steps.logBytes = log.output.length;
    return log.output;
  })();
  const graph = (async () => {
    if (job.revisions.length === 0) return;
    const walked = await git(job, ['rev-list', '--parents', '--stdin'], job.revisions.map((r) => `${r}\n`).join(''));
    steps.revList = walked.ms;
    steps.revListBytes = walked.output.length;
    return walked.output;
  })();
  const query = (async () => {
    if (!duckdb) return;
    const t = process.hrtime.bigint();
    const instance = await duckdb.DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(job.sql);
    const rows = reader.getRowObjects();
    steps.query = Number(process.hrtime.bigint() - t) / 1e6;
    steps.rows = rows.length;
    return { instance, connection, rows };
  })();
  // Held until the memory is read: the answer is what a process serving it keeps.
  const held = await Promise.all([resolveAndDescribe, graph, query]);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rssMB = process.memoryUsage().rss / 1024 / 1024;
  const peakMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, steps, rssMB, peakMB, held: held.filter(Boolean).length }) + '\n');
  process.exit(0);
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
  process.exit(0);
});
