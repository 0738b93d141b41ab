import { createInterface } from 'node:readline/promises';

/**
 * Asks a person at the terminal to confirm a write. Resolves true only for a typed "yes",
 * false for anything else, and null when there is no terminal to ask on (a pipe, CI, a
 * script): a write is then refused, because nobody confirmed it.
 */
export async function confirmOnTerminal(question: string): Promise<boolean | null> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await terminal.question(question);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    terminal.close();
  }
}
