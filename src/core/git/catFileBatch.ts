/** One answer of `git cat-file --batch`, in the order the requests were written. */
export type BatchEntry = { kind: 'object'; sha: string; type: string; body: Buffer } | { kind: 'missing' | 'ambiguous'; name: string };

/**
 * Splits `git cat-file --batch` output. Sizes are byte counts, so the stream is walked as a
 * Buffer; decoding first would misplace every object after one with non-ASCII text.
 */
export function parseCatFileBatch(output: Buffer): BatchEntry[] {
  const entries: BatchEntry[] = [];
  let pos = 0;
  while (pos < output.length) {
    const newline = output.indexOf(0x0a, pos);
    const end = newline === -1 ? output.length : newline;
    const header = output.subarray(pos, end).toString('utf8');
    pos = end + 1;
    if (header === '') continue;
    const status = /^(.*) (missing|ambiguous)$/.exec(header);
    if (status) {
      entries.push({ kind: status[2] as 'missing' | 'ambiguous', name: status[1] });
      continue;
    }
    const [sha, type, size] = header.split(' ');
    const length = Number(size);
    entries.push({ kind: 'object', sha, type, body: output.subarray(pos, pos + length) });
    // The object is followed by a newline that is not part of it.
    pos += length + 1;
  }
  return entries;
}
