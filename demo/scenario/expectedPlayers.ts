/** The players expected to play each date (upcoming_player_game_context), with their line when one was posted. */
import type { ExpectedRow } from './rows';
import type { Cell } from './runs';
import { pairFacts, type Player, type Slate } from './slates';

export function expectedRows(slates: Slate[], cells: Cell[]): ExpectedRow[] {
  const expected: ExpectedRow[] = [];
  for (const slate of slates) {
    const lined = new Set<Player>();
    const predictedHere = cells.filter((c) => c.date === slate.date && !c.failed);
    for (const c of predictedHere) for (const p of c.players) lined.add(p);
    const allLined = slate.date >= '2026-01-31';
    for (const p of slate.expected) {
      expected.push({
        player_lookup: p.lookup,
        game_date: slate.date,
        game_id: slate.gameId.get(p.team)!,
        team_abbr: p.team,
        opponent_team_abbr: slate.opponent.get(p.team)!,
        current_points_line: allLined || lined.has(p) ? pairFacts(slate.date, p).line : null,
      });
    }
  }
  return expected;
}
