import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** A mistake in what was asked of the note's files, or a write nobody confirmed: one line, exit 2, nothing written. */
export class HandoffNoteError extends Error {}

/** Where `--output` puts the note and its chart (`x.md` and `x.svg` beside it), relative to where the user stands. */
export function notePaths(output: string, here: string): { note: string; chart: string } {
  if (!output.endsWith('.md'))
    throw new HandoffNoteError(`--output ${output}: a handoff note is markdown; end the name with .md, e.g. --output docs/handoffs/2026-02-02-regression.md.`);
  const note = resolve(here, output);
  return { note, chart: `${note.slice(0, -'.md'.length)}.svg` };
}

/**
 * Writes the note and its chart, replacing neither without a person's "yes" at the terminal
 * (`confirm` resolves null when there is none to ask: then nothing is written).
 */
export async function writeNoteFiles(
  paths: { note: string; chart: string },
  content: { note: string; svg: string | null },
  here: string,
  confirm: ((question: string) => Promise<boolean | null>) | undefined,
): Promise<string[]> {
  const targets = [paths.note, ...(content.svg === null ? [] : [paths.chart])];
  const present = targets.filter((p) => existsSync(p)).map((p) => (relative(here, p).startsWith('..') ? p : relative(here, p)));
  if (present.length) {
    const them = present.length === 1 ? 'it' : 'them';
    const answer = confirm ? await confirm(`${present.join(' and ')} already exist${present.length === 1 ? 's' : ''}. Type yes to replace ${them}: `) : null;
    if (answer === null) {
      throw new HandoffNoteError(
        `${present.join(' and ')} already exist${present.length === 1 ? 's' : ''} and there is no terminal to confirm replacing ${them}; nothing was written. Give another --output, or run it from an interactive shell.`,
      );
    }
    if (!answer) throw new HandoffNoteError(`Not replaced: ${present.join(' and ')}; nothing was written.`);
  }
  mkdirSync(dirname(paths.note), { recursive: true });
  if (content.svg !== null) writeFileSync(paths.chart, content.svg);
  writeFileSync(paths.note, content.note);
  return targets;
}
