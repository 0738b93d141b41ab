/**
 * Source files of the demo pipeline, one function per file, each taking the stage of the
 * history it is written at. The code is there to be read (CodeLens, hovers, `git log -p`),
 * never run, so it is plausible Python rather than a working service; what matters is that
 * each commit changes what its message says and that the bug and its fix are visible.
 */

/** Whether a file written at `stage` already holds what `since` introduced (stages in history order). */
export const atLeast = <T>(order: T[], stage: T, since: T) => order.indexOf(stage) >= order.indexOf(since);
