import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { buildAncestryIndex, type CommitGraph } from './ancestry';
import { parseCatFileBatch } from './catFileBatch';
import type { GitRunner } from './gitRunner';
import { commitUrl, originUrlFromConfig, parseRemoteUrl, pullRequestInMessage, type CommitLinks, type RemoteRepository } from './remoteLinks';
import { isFullSha } from './revisions';

/** The repository's remote from its config file (`git rev-parse --git-path config`), read from disk. */
export async function readRemoteFromConfigFile(cwd: string, configPath: string): Promise<RemoteRepository | null> {
  let text: string;
  try {
    text = await readFile(resolvePath(cwd, configPath), 'utf8');
  } catch {
    // No readable config: no links, which nothing else depends on.
    return null;
  }
  const url = originUrlFromConfig(text);
  return url === null ? null : parseRemoteUrl(url);
}

/** Per graph and tip: its first-parent line (ids, newest first) and, per commit, the index of the oldest line commit containing it (-1: none). */
const introductions = new WeakMap<CommitGraph, Map<string, { line: Int32Array; introducedBy: Int32Array }>>();

/**
 * The first-parent line of `tip` and which of its commits brought in each commit, in one
 * walk: from the oldest line commit to the newest, each claims the commits it reaches that no
 * older one did. A commit's claimant is the oldest line commit containing it, since
 * containment only grows along the line.
 */
function introductionsOf(graph: CommitGraph, tip: string): { line: Int32Array; introducedBy: Int32Array } {
  let perGraph = introductions.get(graph);
  if (!perGraph) introductions.set(graph, (perGraph = new Map<string, { line: Int32Array; introducedBy: Int32Array }>()));
  const known = perGraph.get(tip);
  if (known) return known;
  const n = graph.size;
  const { parentStart, parentIds } = graph;
  const introducedBy = new Int32Array(n).fill(-1);
  const ids: number[] = [];
  for (let id = graph.idOf(tip); id !== -1 && introducedBy[id] === -1; id = parentStart[id] < parentStart[id + 1] ? parentIds[parentStart[id]] : -1) {
    // Marked while the line is listed, so a line that came back on itself would end.
    introducedBy[id] = -2;
    ids.push(id);
  }
  const stack = new Int32Array(n);
  for (let i = ids.length - 1; i >= 0; i -= 1) {
    let top = 0;
    introducedBy[ids[i]] = i;
    stack[top++] = ids[i];
    while (top > 0) {
      const node = stack[--top];
      for (let e = parentStart[node]; e < parentStart[node + 1]; e += 1) {
        const parent = parentIds[e];
        if (introducedBy[parent] !== -1) continue;
        introducedBy[parent] = i;
        stack[top++] = parent;
      }
    }
  }
  const result = { line: Int32Array.from(ids), introducedBy };
  perGraph.set(tip, result);
  return result;
}

/**
 * The merge commit that brought `commit` into the first-parent line of `tip`: the oldest
 * commit of that line containing it, when that is not the commit itself. `null` when the
 * commit was made on the line (or squashed onto it), `undefined` when the line does not
 * contain it. The line's commits claim what they brought in once per graph and tip, so each
 * question after the first is a lookup.
 */
export function mergeThatBrought(graph: CommitGraph, tip: string, commit: string): string | null | undefined {
  const { line, introducedBy } = introductionsOf(graph, tip.toLowerCase());
  const id = graph.idOf(commit);
  if (id === -1 || introducedBy[id] < 0) return undefined;
  const oldest = line[introducedBy[id]];
  return oldest === id || graph.parentStart[oldest + 1] - graph.parentStart[oldest] < 2 ? null : graph.shaOf(oldest);
}

/** A commit's page, and the pull request its merge (or, for a squash, its own message) names. */
export function commitLinksOf(remote: RemoteRepository, sha: string, ownMessage: string | null, merge: { sha: string; message: string | null } | null): CommitLinks {
  const fromMerge = merge?.message ? pullRequestInMessage(merge.message, remote) : null;
  const fromOwn = !fromMerge && ownMessage ? pullRequestInMessage(ownMessage, remote) : null;
  const pullRequest = fromMerge ? { ...fromMerge, namedBy: merge!.sha } : fromOwn ? { ...fromOwn, namedBy: sha.toLowerCase() } : null;
  return { commit: commitUrl(remote, sha), pullRequest };
}

/** Full commit messages, keyed by SHA, from one `git cat-file --batch`. */
async function readMessages(runner: GitRunner, shas: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(shas.filter(isFullSha).map((s) => s.toLowerCase()))];
  const messages = new Map<string, string>();
  if (wanted.length === 0) return messages;
  const output = await runner.catFileBytes(['--batch'], wanted.map((sha) => `${sha}\n`).join(''));
  parseCatFileBatch(output).forEach((entry, i) => {
    if (entry.kind !== 'object' || entry.type !== 'commit') return;
    const body = entry.body.toString('utf8');
    const blank = body.indexOf('\n\n');
    messages.set(wanted[i], blank === -1 ? '' : body.slice(blank + 2));
  });
  return messages;
}

/**
 * Links of commits (full SHAs) for one-shot callers such as the command line: one process
 * for the config's path and HEAD, and, only when the remote is a known host, two for the
 * history of HEAD and one for the messages. Commits HEAD does not contain get their page
 * and no pull request.
 */
export async function readCommitLinks(runner: GitRunner, shas: string[], knownConfigPath: string | null = null): Promise<Map<string, CommitLinks>> {
  const links = new Map<string, CommitLinks>();
  const wanted = [...new Set(shas.filter(isFullSha).map((s) => s.toLowerCase()))];
  if (wanted.length === 0) return links;
  let configPath: string | undefined;
  let head: string | undefined;
  if (knownConfigPath) {
    // The config's place is known (the repository was opened): HEAD is asked only when there is a remote to link to.
    configPath = knownConfigPath;
  } else {
    [configPath, head] = (await runner.text(['rev-parse', '--git-path', 'config', '--revs-only', 'HEAD'])).split('\n').map((l) => l.trim());
  }
  const remote = configPath ? await readRemoteFromConfigFile(runner.cwd, configPath) : null;
  if (!remote) return links;
  if (knownConfigPath) head = (await runner.text(['rev-parse', '--revs-only', 'HEAD'])).trim();
  const graph = head && isFullSha(head) ? await buildAncestryIndex(runner, [head]) : null;
  const merges = new Map<string, string | null>();
  for (const sha of wanted) merges.set(sha, graph && head ? (mergeThatBrought(graph, head, sha) ?? null) : null);
  const messages = await readMessages(runner, [...wanted, ...[...merges.values()].filter((m): m is string => m !== null)]);
  for (const sha of wanted) {
    const merge = merges.get(sha) ?? null;
    links.set(sha, commitLinksOf(remote, sha, messages.get(sha) ?? null, merge ? { sha: merge, message: messages.get(merge) ?? null } : null));
  }
  return links;
}
