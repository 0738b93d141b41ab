/**
 * What to tell a user whose commit is not in local history. In a shallow clone (CI
 * checkouts default to depth 1) the commit usually exists upstream and deepening fixes it;
 * otherwise it was not fetched, lives in another repository, or the SHA is wrong.
 */
export function missingCommitMessage(sha: string, shallow: boolean): string {
  if (shallow) {
    return (
      `Commit ${sha} is not in the local history because this clone is shallow. ` +
      'Run `git fetch --unshallow` (or `git fetch --deepen=<N>` to fetch only N more commits) and try again.'
    );
  }
  return `Commit ${sha} is not in the local history. ` + 'Run `git fetch --all` to fetch it, and check that the SHA belongs to this repository.';
}
