/** Where a long sentence reads well when cut: after a clause, before a parenthesis or a list. */
const BOUNDARIES = ['; ', ': ', ' — ', ' (', ', '];

/**
 * A sentence cut to at most `max` characters for a place that has no room for it (a tree
 * row, a report's table of contents): `head` ends at the last clause boundary that keeps
 * brackets balanced, else at a word, and is marked with `…` when cut; `rest` is what was
 * left out, for a description or tooltip. The full sentence belongs beside it, never lost.
 */
export function shortLabel(text: string, max: number): { head: string; rest: string; cut: boolean } {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return { head: flat, rest: '', cut: false };
  const room = max - 1;
  let best = -1;
  for (const b of BOUNDARIES) {
    for (let at = flat.indexOf(b); at !== -1 && at <= room; at = flat.indexOf(b, at + 1)) {
      // Too short a head says nothing; a head inside brackets reads as a typo.
      if (at >= max / 3 && balanced(flat.slice(0, at)) && at > best) best = at;
    }
  }
  if (best === -1) {
    const space = flat.lastIndexOf(' ', room);
    best = space >= max / 3 ? space : room;
  }
  const head = flat.slice(0, best).replace(/[\s,;:—]+$/, '');
  const rest = flat.slice(best).replace(/^[\s,;:—]+/, '');
  return { head: `${head}…`, rest, cut: true };
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
  }
  return depth === 0;
}

/** A finding's title as a headline: a tree row or a report heading shows at most this much. */
export const HEADLINE_CHARS = 80;

export function headline(title: string): string {
  return shortLabel(title, HEADLINE_CHARS).head;
}
