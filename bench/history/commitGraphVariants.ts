import { createHash } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../../test/fixtures/gitFixture';
import { cacheDir } from '../cache';
import { hasCommitGraph, type BenchScenario } from './benchScenario';

/**
 * Figures are measured without a commit-graph file (what a fresh clone has) and, where the
 * issue asks, with one (what `git gc` leaves behind). The repository given is never written
 * to: when it has a commit-graph, the figures without one run on a local copy of it (hard
 * links, every ref, the file removed), and the figures with one run on a local clone that
 * gets its own. (Turning the file off through GIT_CONFIG_* would not reach the product:
 * simple-git removes GIT_* variables from the environment of the processes it starts.)
 */
export async function withoutCommitGraph(root: string, log: (line: string) => void): Promise<{ root: string; copied: boolean }> {
  if (!(await hasCommitGraph(root))) return { root, copied: false };
  const head = (await runGit(root, ['rev-parse', 'HEAD'])).trim();
  const refs = await runGit(root, ['for-each-ref', '--format=%(objectname) %(refname)']);
  const key = createHash('sha256').update(`${root}\n${head}\n${refs}`).digest('hex').slice(0, 16);
  const dir = await cacheDir(`no-graph-${key}`);
  const copy = join(dir, 'repo');
  const done = join(dir, 'complete');
  if (
    await stat(done).then(
      () => true,
      () => false,
    )
  )
    return { root: copy, copied: true };
  log(`${root} has a commit-graph file: copying it locally (hard links, every ref) without one`);
  await rm(copy, { recursive: true, force: true });
  await runGit(dir, ['clone', '-q', '--mirror', '--local', root, join(copy, '.git')]);
  await runGit(copy, ['config', '--bool', 'core.bare', 'false']);
  await runGit(copy, ['config', '--remove-section', 'remote.origin']);
  await runGit(copy, ['update-ref', '--no-deref', 'HEAD', head]);
  await runGit(copy, ['reset', '-q', '--hard']);
  await rm(join(copy, '.git', 'objects', 'info', 'commit-graph'), { force: true });
  await rm(join(copy, '.git', 'objects', 'info', 'commit-graphs'), { recursive: true, force: true });
  await runGit(copy, ['config', 'gc.auto', '0']);
  await writeFile(done, head);
  return { root: copy, copied: true };
}

/** A note for the figures when the repository given had a commit-graph that the measured copy lacks. */
export function commitGraphNote(scenario: BenchScenario): string[] {
  return scenario.copiedWithoutCommitGraph ? ['the repository given has a commit-graph file; these figures ran on a local copy of it (hard links, every ref) without one'] : [];
}

/**
 * A copy of the scenario's repository (hard links, every ref) with a commit-graph of every
 * commit its refs reach; built once. A mirror clone links the object files as they are, so
 * it works even where a fetch would not (a partial clone missing some blobs).
 */
export async function commitGraphClone(scenario: BenchScenario, log: (line: string) => void): Promise<string> {
  const dir = await cacheDir(`graph-clone-${scenario.key}`);
  const root = join(dir, 'repo');
  const done = join(dir, 'complete');
  if (
    await stat(done).then(
      () => true,
      () => false,
    )
  )
    return root;
  log(`copying ${scenario.label} locally (hard links, every ref) and writing a commit-graph into the copy`);
  await rm(root, { recursive: true, force: true });
  await runGit(dir, ['clone', '-q', '--mirror', '--local', scenario.root, join(root, '.git')]);
  // A working tree (left empty) makes it a repository the product opens; nothing reads files.
  await runGit(root, ['config', '--bool', 'core.bare', 'false']);
  await runGit(root, ['config', '--remove-section', 'remote.origin']);
  await runGit(root, ['commit-graph', 'write', '--reachable']);
  await writeFile(done, scenario.key);
  return root;
}
