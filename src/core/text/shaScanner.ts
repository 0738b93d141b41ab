/** A hex token that could be an abbreviated or full commit SHA, with its place in the text. */
export interface ShaToken {
  /** The token as written. */
  text: string;
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

export const MIN_SHA_LENGTH = 7;
export const MAX_SHA_LENGTH = 40;

// A "word" is what the token must fill completely: hex inside `abc1234xyz` or `sha_1234abcd`
// is part of a longer name, not a SHA.
const WORD = /[0-9A-Za-z_]+/g;
const HEX = /^(?:[0-9a-f]+|[0-9A-F]+)$/;
const DIGITS = /^[0-9]+$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Every 7-40 hex token that stands alone as a word. Whether it names a commit is for the
 * repository to say; this only throws out what is certainly something else: hex inside a
 * longer word (which also drops `0x1f2e3d4c`, whose word includes the `x`), pure numbers
 * (dates, ids, counts), UUIDs and their parts, CSS colours (`#aabbccdd`), and mixed-case
 * runs (`DeadBeef`, more often a name than a SHA, and git never prints one).
 */
export function scanShas(text: string): ShaToken[] {
  const uuidSpans = uuidRanges(text);
  const tokens: ShaToken[] = [];
  let uuidIndex = 0;
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (word.length < MIN_SHA_LENGTH || word.length > MAX_SHA_LENGTH) continue;
    if (!HEX.test(word) || DIGITS.test(word)) continue;
    const start = match.index;
    const end = start + word.length;
    while (uuidIndex < uuidSpans.length && uuidSpans[uuidIndex].end <= start) uuidIndex++;
    const uuid = uuidSpans[uuidIndex];
    if (uuid && uuid.start <= start && end <= uuid.end) continue;
    // `#aabbccdd` is a colour with alpha; `#` before a longer token is more likely an
    // anchor or an issue-style reference to the commit, which we keep.
    if (text[start - 1] === '#' && word.length <= 8) continue;
    tokens.push({ text: word, start, end });
  }
  return tokens;
}

function uuidRanges(text: string): Array<{ start: number; end: number }> {
  const ranges: Array<{ start: number; end: number }> = [];
  // Cheap precheck: a text without four dashes cannot hold a UUID.
  if (text.indexOf('-') === -1) return ranges;
  for (const match of text.matchAll(UUID)) ranges.push({ start: match.index, end: match.index + match[0].length });
  return ranges;
}
