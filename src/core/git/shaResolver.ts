import type { GitRepository } from './gitRepository';
import type { CommitInfo } from './types';

const SHA_LIKE = /^[0-9a-f]{7,40}$/i;

/**
 * Maps the SHA strings found in warehouse rows and deployment records (often abbreviated)
 * to full commits, all in one git call however many distinct values there are.
 */
export class ResolvedShas {
  private constructor(private readonly map: Map<string, CommitInfo>) {}

  static async resolve(git: GitRepository, values: Iterable<string | null | undefined>): Promise<ResolvedShas> {
    const distinct = [...new Set([...values].filter((v): v is string => typeof v === 'string' && SHA_LIKE.test(v)).map((v) => v.toLowerCase()))];
    const map = new Map<string, CommitInfo>();
    if (distinct.length > 0) {
      const resolutions = await git.resolve(distinct);
      for (const [value, resolution] of resolutions) if (resolution.status === 'found') map.set(value.toLowerCase(), resolution.commit);
    }
    return new ResolvedShas(map);
  }

  /** The commit a value names, or null when it is not in local history (or ambiguous). */
  commit(value: string | null | undefined): CommitInfo | null {
    return value ? (this.map.get(value.toLowerCase()) ?? null) : null;
  }

  full(value: string | null | undefined): string | null {
    return this.commit(value)?.sha ?? null;
  }
}
