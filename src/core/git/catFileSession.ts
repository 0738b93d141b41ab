import type { BatchEntry } from './catFileBatch';
import type { GitRunner } from './gitRunner';

interface Pending {
  expected: number;
  entries: BatchEntry[];
  resolve: (entries: BatchEntry[]) => void;
  reject: (error: unknown) => void;
}

/**
 * One `git cat-file --batch` kept open for a conversation: questions that depend on earlier
 * answers (the files a commit changed need its trees, the builds to check come from the
 * warehouse once the commit is known) cost no further process. Answers come in the order
 * the lines were written, so requests are matched to them by count.
 */
export class CatFileSession {
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private readonly git: ReturnType<GitRunner['interactive']>;
  private failure: Error | null = null;
  private ended = false;

  constructor(runner: GitRunner) {
    this.git = runner.interactive(['cat-file', '--batch'], (chunk) => this.receive(chunk));
    this.git.exited.then(
      () => this.fail(new Error('git cat-file ended before it answered every request.')),
      (error: unknown) => this.fail(error),
    );
  }

  /** The answers to `lines` (object names, one per line, no newline in them), in order. */
  request(lines: string[]): Promise<BatchEntry[]> {
    if (lines.length === 0) return Promise.resolve([]);
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(new Error('The git cat-file conversation was already closed.'));
    return new Promise<BatchEntry[]>((resolve, reject) => {
      this.pending.push({ expected: lines.length, entries: [], resolve, reject });
      this.git.write(lines.map((line) => `${line}\n`).join(''));
    });
  }

  /** Ends the conversation; throws what went wrong with the process, if anything did. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.git.end();
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    for (const waiting of this.pending.splice(0)) waiting.reject(this.failure);
  }

  /** Splits the stream into entries as whole ones arrive; sizes are byte counts, so it stays a Buffer. */
  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let pos = 0;
    while (this.pending.length > 0) {
      const newline = this.buffer.indexOf(0x0a, pos);
      if (newline === -1) break;
      const header = this.buffer.subarray(pos, newline).toString('utf8');
      const status = /^(.*) (missing|ambiguous)$/.exec(header);
      let entry: BatchEntry;
      let next: number;
      if (status) {
        entry = { kind: status[2] as 'missing' | 'ambiguous', name: status[1] };
        next = newline + 1;
      } else {
        const [sha, type, size] = header.split(' ');
        const length = Number(size);
        if (!Number.isInteger(length) || length < 0) throw new Error(`git cat-file printed "${header.slice(0, 100)}", which is not an object header.`);
        // The object and the newline after it must both be in.
        if (this.buffer.length < newline + 1 + length + 1) break;
        entry = { kind: 'object', sha, type, body: Buffer.from(this.buffer.subarray(newline + 1, newline + 1 + length)) };
        next = newline + 1 + length + 1;
      }
      pos = next;
      const waiting = this.pending[0];
      waiting.entries.push(entry);
      if (waiting.entries.length === waiting.expected) {
        this.pending.shift();
        waiting.resolve(waiting.entries);
      }
    }
    this.buffer = pos === 0 ? this.buffer : Buffer.from(this.buffer.subarray(pos));
  }
}
