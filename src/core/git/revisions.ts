// SHA-1 repositories use 40 hex digits, SHA-256 ones 64; accept both so a repository
// converted to SHA-256 keeps working.
const SHA_PREFIX = /^[0-9a-f]{4,64}$/i;
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Text a user could have pasted as an abbreviated or full commit id. */
export function isShaPrefix(text: string): boolean {
  return SHA_PREFIX.test(text);
}

export function isFullSha(text: string): boolean {
  return FULL_SHA.test(text);
}

/**
 * Whether `rev` can be handed to git as a revision: a leading dash would be read as an
 * option, and a newline would split one request into two on a `--stdin` stream.
 */
export function isSafeRevision(rev: string): boolean {
  return rev.length > 0 && !rev.startsWith('-') && !/[\0\r\n]/.test(rev);
}
