import type { GitRunner } from './gitRunner';
import { missingCommitMessage } from './missingCommit';
import { isFullSha, isSafeRevision } from './revisions';
import { GitError } from './types';

/** Full SHA of the commit a revision names (peeling tags), or null when git knows no such commit. */
export async function revParse(runner: GitRunner, rev: string): Promise<string | null> {
  if (!isSafeRevision(rev)) return null;
  // --quiet makes an unknown revision exit 1 with empty stderr: the answer "no such commit".
  const output = await runner.text(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], undefined, [1]);
  const sha = output.trim();
  return isFullSha(sha) ? sha.toLowerCase() : null;
}

export async function isShallow(runner: GitRunner): Promise<boolean> {
  return (await runner.text(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
}

/**
 * Turns "git could not use these revisions" into a GitError naming the first one missing
 * and how to get it. Runs only after a failure, so the happy path pays nothing for it.
 */
export async function explainMissingRevisions(runner: GitRunner, revisions: string[], cause: GitError): Promise<GitError> {
  for (const rev of revisions) {
    if ((await revParse(runner, rev)) === null) {
      return new GitError(missingCommitMessage(rev, await isShallow(runner)), 'unknown-commit');
    }
  }
  return cause;
}
