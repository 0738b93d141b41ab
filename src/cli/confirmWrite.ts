import { createInterface } from 'node:readline/promises';

/**
 * Asks a person at the terminal to confirm a write. Resolves true only for a typed "yes",
 * false for anything else, and null when there is no terminal to ask on (a pipe, CI, a
 * script): a write is then refused, because nobody confirmed it.
 */
export async function confirmOnTerminal(question: string): Promise<boolean | null> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  return askYes(question, process.stdin, process.stderr);
}

/**
 * The question on `output`, the answer from `input`. Ending the input instead of answering
 * (Ctrl-D) is a refusal: readline then rejects the question (on a terminal) or closes
 * without an answer (a stream), and neither may run the write or read as a crash.
 */
export async function askYes(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, terminal?: boolean): Promise<boolean> {
  const prompt = createInterface({ input, output, terminal });
  const controller = new AbortController();
  // readline answers nothing when its input ends on a line without a newline: closing is the answer.
  prompt.once('close', () => controller.abort());
  try {
    const answer = await prompt.question(question, { signal: controller.signal });
    return answer.trim().toLowerCase() === 'yes';
  } catch (error) {
    if ((error as Error).name === 'AbortError') {
      output.write('\n');
      return false;
    }
    throw error;
  } finally {
    prompt.close();
  }
}
