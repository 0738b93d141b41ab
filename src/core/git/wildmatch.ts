/**
 * git's `wildmatch` with `WM_PATHNAME`, the matcher behind `:(glob)` pathspecs, ported so
 * that paths matched in memory are exactly the ones git selects. It works on UTF-8 bytes
 * as git does: `?` matches one byte, so it does not match a two-byte character.
 *
 * `*`, `?` and `[...]` never match `/`; `**` crosses directories only as a whole path
 * component (at the start, between slashes, or at the end); a backslash makes the next
 * character literal.
 */

const enum Match {
  Yes,
  No,
  /** Nothing later in the text can match either: stop trying. */
  AbortAll,
  /** Only a `**` further up can still match. */
  AbortToStarStar,
}

const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;
const BANG = 0x21;
const CARET = 0x5e;
const DASH = 0x2d;
const COLON = 0x3a;

/** Characters that make a pathspec a pattern rather than a literal path (git's `is_glob_special`). */
export function isGlobSpecial(byte: number): boolean {
  return byte === STAR || byte === QUESTION || byte === OPEN || byte === BACKSLASH;
}

export function wildmatch(pattern: Uint8Array, text: Uint8Array): boolean {
  return dowild(pattern, 0, text, 0) === Match.Yes;
}

function dowild(p: Uint8Array, pi: number, t: Uint8Array, ti: number): Match {
  const patternStart = pi;
  for (; pi < p.length; ti += 1, pi += 1) {
    let pCh = p[pi];
    let tCh = ti < t.length ? t[ti] : 0;
    if (ti >= t.length && pCh !== STAR) return Match.AbortAll;
    switch (pCh) {
      case BACKSLASH:
        // A trailing backslash matches nothing: byte 0 (past the end) equals no text byte.
        pi += 1;
        pCh = pi < p.length ? p[pi] : -1;
        if (tCh !== pCh) return Match.No;
        continue;
      case QUESTION:
        if (tCh === SLASH) return Match.No;
        continue;
      case STAR: {
        let matchSlash: boolean;
        pi += 1;
        if (p[pi] === STAR) {
          const before = pi - 2;
          while (p[++pi] === STAR) {
            // a run of stars is one `**`
          }
          const atComponentStart = before < patternStart || p[before] === SLASH;
          const atComponentEnd = pi >= p.length || p[pi] === SLASH || (p[pi] === BACKSLASH && p[pi + 1] === SLASH);
          if (atComponentStart && atComponentEnd) {
            // `**/` may match no directory at all: try the rest of the pattern right here.
            if (p[pi] === SLASH && dowild(p, pi + 1, t, ti) === Match.Yes) return Match.Yes;
            matchSlash = true;
          } else {
            matchSlash = false;
          }
        } else {
          matchSlash = false;
        }
        if (pi >= p.length) {
          // A trailing `**` matches everything; a trailing `*` only what has no more slashes.
          if (!matchSlash && t.indexOf(SLASH, ti) !== -1) return Match.No;
          return Match.Yes;
        }
        if (!matchSlash && p[pi] === SLASH) {
          // One star followed by a slash: the star takes the rest of this component.
          const slash = t.indexOf(SLASH, ti);
          if (slash === -1) return Match.No;
          ti = slash;
          // The loop's increments consume the slash in both pattern and text.
          break;
        }
        for (;;) {
          if (tCh === 0 && ti >= t.length) break;
          if (!isGlobSpecial(p[pi])) {
            // Skip ahead to the next occurrence of the literal that follows the star.
            const want = p[pi];
            while (ti < t.length && (matchSlash || t[ti] !== SLASH)) {
              if (t[ti] === want) break;
              ti += 1;
            }
            tCh = ti < t.length ? t[ti] : 0;
            if (ti >= t.length || tCh !== want) return Match.No;
          }
          const matched = dowild(p, pi, t, ti);
          if (matched !== Match.No) {
            if (!matchSlash || matched !== Match.AbortToStarStar) return matched;
          } else if (!matchSlash && tCh === SLASH) {
            return Match.AbortToStarStar;
          }
          ti += 1;
          tCh = ti < t.length ? t[ti] : 0;
        }
        return Match.AbortAll;
      }
      case OPEN: {
        pi += 1;
        pCh = pi < p.length ? p[pi] : 0;
        if (pCh === CARET) pCh = BANG;
        const negated = pCh === BANG;
        if (negated) {
          pi += 1;
          pCh = pi < p.length ? p[pi] : 0;
        }
        let prev = 0;
        let matched = false;
        do {
          if (pi >= p.length) return Match.AbortAll;
          if (pCh === BACKSLASH) {
            pi += 1;
            if (pi >= p.length) return Match.AbortAll;
            pCh = p[pi];
            if (tCh === pCh) matched = true;
          } else if (pCh === DASH && prev !== 0 && pi + 1 < p.length && p[pi + 1] !== CLOSE) {
            pi += 1;
            pCh = p[pi];
            if (pCh === BACKSLASH) {
              pi += 1;
              if (pi >= p.length) return Match.AbortAll;
              pCh = p[pi];
            }
            if (tCh <= pCh && tCh >= prev) matched = true;
            // A range ends the run: "a-c-e" is a range and the characters "-" and "e".
            pCh = 0;
          } else if (pCh === OPEN && p[pi + 1] === COLON) {
            const start = pi + 2;
            let end = start;
            while (end < p.length && p[end] !== CLOSE) end += 1;
            if (end >= p.length) return Match.AbortAll;
            const length = end - start - 1;
            if (length < 0 || p[end - 1] !== COLON) {
              // No ":]": the "[" is an ordinary member of the set.
              pi = start - 2;
              pCh = OPEN;
              if (tCh === pCh) matched = true;
            } else {
              const name = Buffer.from(p.subarray(start, start + length)).toString('latin1');
              const test = CHARACTER_CLASSES[name];
              if (!test) return Match.AbortAll;
              if (test(tCh)) matched = true;
              pi = end;
              pCh = 0;
            }
          } else if (tCh === pCh) {
            matched = true;
          }
          prev = pCh;
          pi += 1;
          pCh = pi < p.length ? p[pi] : 0;
        } while (pCh !== CLOSE);
        if (matched === negated || tCh === SLASH) return Match.No;
        continue;
      }
      default:
        if (tCh !== pCh) return Match.No;
        continue;
    }
  }
  return ti < t.length ? Match.No : Match.Yes;
}

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number) => isUpper(c) || isLower(c);
const isPrint = (c: number) => c >= 0x20 && c <= 0x7e;
const isGraph = (c: number) => c > 0x20 && c <= 0x7e;

/** The POSIX classes wildmatch knows, in the C locale git uses for them. */
const CHARACTER_CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: isAlpha,
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: isDigit,
  graph: isGraph,
  lower: isLower,
  print: isPrint,
  punct: (c) => isGraph(c) && !isAlpha(c) && !isDigit(c),
  // git's own ctype: vertical tab and form feed are not spaces to it.
  space: (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d,
  upper: isUpper,
  xdigit: (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};
