import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGitFixture, type FixtureCommit, type GitFixture } from '../../fixtures/gitFixture';

/**
 * A small pipeline workspace for server tests, independent of the demo generator: a git
 * history of `commits` commits (one every 30 minutes from 2026-03-01, alternating between
 * the worker's code and docs), three deployments of the worker, an execution log with a
 * backfill that ran on the old build after the fix was committed, predictions and grading
 * by build, and a feature store, all as CSV/NDJSON read by the embedded engine.
 */
export interface PipelineFixture extends GitFixture {
  /** Roles → full SHA. */
  sha: { first: string; feed: string; fix: string; docs: string; undeployed: string; last: string };
  config: string;
}

const START = Date.parse('2026-03-01T00:00:00Z');
const HALF_HOUR = 30 * 60_000;
const at = (i: number) => new Date(START + i * HALF_HOUR).toISOString();
const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;

export async function createPipelineFixture(
  options: {
    commits?: number;
    warehouseFiles?: Record<string, string>;
    /** Changes the written pipeline-lens.json (a key left out, a column unset). */
    editConfig?: (config: { tables: Record<string, Record<string, unknown>>; services: unknown[] }) => void;
  } = {},
): Promise<PipelineFixture> {
  const n = Math.max(options.commits ?? 40, 40);
  // Roles at fixed places: the build deployed first, the feed build, the fix (committed, then
  // deployed 6 hours later), a docs commit, and a worker commit after the last deployment.
  const feedAt = Math.floor(n / 4);
  const fixAt = Math.floor(n / 2);
  const docsAt = fixAt + 1;
  const undeployedAt = n - 1;
  const commits: FixtureCommit[] = [];
  for (let i = 0; i < n; i++) {
    const message =
      i === 0
        ? 'worker: first model'
        : i === feedAt
          ? 'worker: read lines from the new feed'
          : i === fixAt
            ? 'fix(worker): populate the line features'
            : i === undeployedAt
              ? 'worker: retry transient errors'
              : `change ${i}`;
    const files =
      i === docsAt || (i % 2 === 1 && ![feedAt, fixAt, undeployedAt].includes(i)) ? { [`docs/note_${i}.md`]: `note ${i}\n` } : { [`worker/step_${i % 7}.py`]: `# step ${i}\n` };
    commits.push({ message, files, date: at(i), author: i === fixAt ? 'Dana Whitfield <dana@example.test>' : undefined });
  }
  const fixture = await createGitFixture(commits);
  const s = fixture.shas;
  const sha = { first: s[0], feed: s[feedAt], fix: s[fixAt], docs: s[docsAt], undeployed: s[undeployedAt], last: s[n - 1] };
  const root = fixture.root;
  const deployAt = (i: number, hours: number) => new Date(START + i * HALF_HOUR + hours * 3600_000).toISOString();
  // The deployment of the last build before `undeployed`, so that commit is one behind.
  const lastDeployed = undeployedAt - 1;
  await writeFile(
    join(root, 'deployments.json'),
    JSON.stringify(
      [
        { service: 'worker', revision: 'worker-00001', commit: sha.first.slice(0, 12), createdAt: deployAt(0, 1), trafficPercent: 0 },
        { service: 'worker', revision: 'worker-00002', commit: sha.feed, createdAt: deployAt(feedAt, 2), trafficPercent: 0 },
        { service: 'worker', revision: 'worker-00003', commit: sha.fix, createdAt: deployAt(fixAt, 6), trafficPercent: 0 },
        { service: 'worker', revision: 'worker-00004', commit: s[lastDeployed], createdAt: deployAt(lastDeployed, 1), trafficPercent: 100 },
      ],
      null,
      2,
    ),
  );

  // Game dates 1-10: days 1-4 on the first build, 5-7 on the feed build, 8-10 on the fix.
  const builds = (d: number) => (d <= 4 ? sha.first : d <= 7 ? sha.feed : sha.fix);
  const hitChance = (d: number) => (d <= 4 ? 0.75 : d <= 7 ? 0.45 : 0.65);
  let seed = 11;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const predictions = ['player_lookup,game_date,system_id,predicted_points,line_value,build_commit_sha,deployment_revision,created_at,is_active'];
  const graded: string[] = [];
  const features: string[] = [];
  for (let d = 1; d <= 10; d++) {
    for (let p = 0; p < 30; p++) {
      const player = `player_${p}`;
      const line = 10 + (p % 15);
      const over = random() < 0.5;
      const predicted = line + (over ? 3 : -3);
      const hit = random() < hitChance(d);
      const actual = hit === over ? line + 4 : line - 4;
      predictions.push([player, day(d), 'model_a', predicted, line, builds(d), 'r', `${day(d)}T12:00:00Z`, 'true'].join(','));
      graded.push(
        JSON.stringify({
          player_lookup: player,
          game_date: day(d),
          system_id: 'model_a',
          predicted_points: predicted,
          actual_points: d <= 9 ? actual : null,
          line_value: line,
          prediction_correct: d <= 9 ? hit : null,
          build_commit_sha: builds(d),
        }),
      );
      features.push(JSON.stringify({ player_lookup: player, game_date: day(d), features: [line, p % 3, 0.5, d], feature_source_mode: 'daily', build_commit_sha: builds(d) }));
    }
  }
  // Daily runs, and the backfill of dates 5-7 that ran on the feed build three hours after
  // the fix was committed (the fix was deployed three hours later still).
  const runs = [
    'execution_id,build_commit_sha,deployment_revision,execution_start_timestamp,execution_end_timestamp,game_date,system_id,players_predicted,feature_source_mode,status',
  ];
  for (let d = 1; d <= 10; d++) runs.push([`daily-${d}`, builds(d), 'r', `${day(d)}T23:00:00Z`, `${day(d)}T23:10:00Z`, day(d), 'model_a', 30, 'daily', 'success'].join(','));
  for (let d = 5; d <= 7; d++) {
    const start = new Date(START + fixAt * HALF_HOUR + 3 * 3600_000 + (d - 5) * 5 * 60_000);
    runs.push(
      [
        `backfill-${d}`,
        sha.feed.slice(0, 10),
        'worker-00002',
        start.toISOString(),
        new Date(start.getTime() + 4 * 60_000).toISOString(),
        day(d),
        'model_a',
        30,
        'backfill',
        'success',
      ].join(','),
    );
  }
  await mkdir(join(root, 'data'));
  await writeFile(join(root, 'data', 'predictions.csv'), predictions.join('\n') + '\n');
  await writeFile(join(root, 'data', 'accuracy.ndjson'), graded.join('\n') + '\n');
  await writeFile(join(root, 'data', 'features.ndjson'), features.join('\n') + '\n');
  await writeFile(join(root, 'data', 'runs.csv'), runs.join('\n') + '\n');
  const config = {
    warehouse: {
      kind: 'embedded',
      files: options.warehouseFiles ?? {
        'preds.predictions': 'data/predictions.csv',
        'preds.accuracy': 'data/accuracy.ndjson',
        'preds.feature_store': 'data/features.ndjson',
        'preds.execution_log': 'data/runs.csv',
      },
    },
    tables: {
      predictions: { table: 'preds.predictions', partitionColumn: 'game_date' },
      graded: { table: 'preds.accuracy', partitionColumn: 'game_date' },
      featureStore: { table: 'preds.feature_store', partitionColumn: 'game_date' },
      executionLog: { table: 'preds.execution_log', partitionColumn: 'execution_start_timestamp', service: 'worker' },
    },
    features: {
      count: 4,
      registry: [
        { index: 0, name: 'points_line', description: 'The points line; 0 when missing' },
        { index: 1, name: 'rest_days', description: 'Days since the last game' },
        { index: 3, name: 'day_of_month', description: 'Calendar day' },
      ],
    },
    services: [{ name: 'worker', paths: ['worker/**'], deployments: { kind: 'file', path: 'deployments.json' }, deployCommand: 'make deploy' }],
  };
  options.editConfig?.(config);
  const configFile = join(root, 'pipeline-lens.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  return { ...fixture, sha, config: configFile };
}
