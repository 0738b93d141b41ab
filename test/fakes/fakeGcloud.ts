import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { knativeRevision, knativeService, type ServiceSpec } from './cloudRunResponses';

/**
 * A fake `gcloud` executable, put first on PATH: it answers `gcloud run services describe`
 * and `gcloud run revisions list` with the Knative JSON the real one prints, from the
 * services given, records its arguments, and can play a gcloud that is not logged in.
 */
export interface FakeGcloud {
  /** PATH with the fake first, for the product's gcloud process. */
  env: NodeJS.ProcessEnv;
  binDir: string;
  /** The argument lists it was called with. */
  calls(): Promise<string[][]>;
  cleanup(): Promise<void>;
}

const SCRIPT = (data: string, log: string) => `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const data = JSON.parse(fs.readFileSync(${JSON.stringify(data)}, 'utf8'));
if (data.loggedOut) {
  process.stderr.write('ERROR: (gcloud.run.' + args[1] + '.' + args[2] + ') You do not currently have an active account selected.\\nPlease run:\\n\\n  $ gcloud auth login\\n');
  process.exit(1);
}
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const key = flag('--project') + '/' + flag('--region') + '/' + (args[2] === 'describe' ? args[3] : flag('--service'));
const found = data.services[key];
if (!found) {
  process.stderr.write('ERROR: (gcloud.run.' + args[1] + '.' + args[2] + ') Cannot find service [' + key.split('/')[2] + ']\\n');
  process.exit(1);
}
process.stdout.write(JSON.stringify(args[2] === 'describe' ? found.service : found.revisions, null, 2));
`;

export async function createFakeGcloud(services: ServiceSpec[], options: { loggedOut?: boolean } = {}): Promise<FakeGcloud> {
  const binDir = await mkdtemp(join(tmpdir(), 'pl-gcloud-'));
  const data = join(binDir, 'data.json');
  const log = join(binDir, 'calls.log');
  const byKey = Object.fromEntries(
    services.map((s) => [
      `${s.project}/${s.region}/${s.service}`,
      { service: knativeService(s), revisions: [...s.revisions].sort((a, b) => b.createTime.localeCompare(a.createTime)).map((r) => knativeRevision(s, r)) },
    ]),
  );
  await writeFile(data, JSON.stringify({ loggedOut: options.loggedOut ?? false, services: byKey }));
  await writeFile(log, '');
  const script = join(binDir, 'gcloud');
  await writeFile(script, SCRIPT(data, log));
  await chmod(script, 0o755);
  return {
    binDir,
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` },
    calls: async () =>
      (await readFile(log, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
    cleanup: () => rm(binDir, { recursive: true, force: true }),
  };
}
