/** Players, each date's slate of games and expected players, and each player's line and result on a date. */
import { INCOMPLETE_FEATURE_DATE, WINDOW_START } from './calendar';
import { Random } from '../random';

export const TEAMS = [
  'ATL',
  'BOS',
  'BKN',
  'CHA',
  'CHI',
  'CLE',
  'DAL',
  'DEN',
  'DET',
  'GSW',
  'HOU',
  'IND',
  'LAC',
  'LAL',
  'MEM',
  'MIA',
  'MIL',
  'MIN',
  'NOP',
  'NYK',
  'OKC',
  'ORL',
  'PHI',
  'PHX',
  'POR',
  'SAC',
  'SAS',
  'TOR',
  'UTA',
  'WAS',
];
const FIRST_NAMES = [
  'Aaron',
  'Andre',
  'Anthony',
  'Bam',
  'Ben',
  'Brandon',
  'Caleb',
  'Cam',
  'Chris',
  'Cole',
  'Colin',
  'Dalen',
  'Damon',
  'Darius',
  'Dejon',
  'Derrick',
  'Devin',
  'Dillon',
  'Donte',
  'Dylan',
  'Evan',
  'Franz',
  'Gary',
  'Grant',
  'Isaiah',
  'Ivan',
  'Jabari',
  'Jaden',
  'Jalen',
  'Jamal',
  'Jaylen',
  'Jerami',
  'Jordan',
  'Josh',
  'Julian',
  'Kelly',
  'Keon',
  'Kevin',
  'Kris',
  'Kyle',
  'Lonnie',
  'Luka',
  'Malik',
  'Marcus',
  'Mark',
  'Max',
  'Mikal',
  'Miles',
  'Naz',
  'Nick',
  'Obi',
  'Onyeka',
  'Paolo',
  'Quentin',
  'RJ',
  'Royce',
  'Scottie',
  'Shai',
  'Taj',
  'Terance',
  'Trey',
  'Tyrese',
  'Walker',
  'Wendell',
  'Xavier',
  'Zach',
];
const LAST_NAMES = [
  'Abernathy',
  'Acosta',
  'Baldwin',
  'Barnett',
  'Bellamy',
  'Booker',
  'Branham',
  'Brightwell',
  'Calloway',
  'Castellanos',
  'Chandler',
  'Coleman',
  'Crawford',
  'Dalton',
  'Delgado',
  'Dorsey',
  'Easley',
  'Ellison',
  'Farrow',
  'Fontaine',
  'Garland',
  'Gentry',
  'Gillespie',
  'Granger',
  'Hadley',
  'Harlow',
  'Hensley',
  'Holloway',
  'Ingram',
  'Jennings',
  'Kendrick',
  'Kessler',
  'Lamont',
  'Langford',
  'Lockhart',
  'Maddox',
  'Marlowe',
  'McBride',
  'Mercer',
  'Montague',
  'Nash',
  'Norwood',
  'Okafor',
  'Oduya',
  'Pemberton',
  'Prescott',
  'Quarles',
  'Radford',
  'Redding',
  'Rowe',
  'Salazar',
  'Sandoval',
  'Shelton',
  'Stroud',
  'Sutton',
  'Tatum',
  'Thornton',
  'Underhill',
  'Vance',
  'Vaughn',
  'Wakefield',
  'Whitaker',
  'Whitmore',
  'Winslow',
  'Yates',
  'Youngblood',
  'Zeller',
  'Ashby',
  'Blackwood',
  'Carver',
];
const ROSTER_SIZE = 18;

export interface Player {
  lookup: string;
  team: string;
  /** Typical points per game. */
  mu: number;
}

export interface Slate {
  date: string;
  expected: Player[];
  opponent: Map<string, string>;
  gameId: Map<string, string>;
  home: Set<string>;
  /** Players with a feature-store row, in write order. */
  featurePlayers: Player[];
  mode: 'daily' | 'backfill';
  /** Expected players with features, in the order models take them (a model predicting n takes the first n). */
  pool: Player[];
}

export function makePlayers(): Player[] {
  const rng = Random.stream('players');
  const used = new Set<string>();
  const players: Player[] = [];
  for (const team of TEAMS) {
    for (let k = 0; k < ROSTER_SIZE; k++) {
      let lookup: string;
      do {
        lookup = `${rng.pick(FIRST_NAMES)}${rng.pick(LAST_NAMES)}`.toLowerCase().replace(/[^a-z]/g, '');
      } while (used.has(lookup));
      used.add(lookup);
      players.push({ lookup, team, mu: Math.round((3.5 + 24 * rng.next() ** 1.6) * 10) / 10 });
    }
  }
  return players;
}

export function makeSlates(players: Player[], dates: string[]): Slate[] {
  const rng = Random.stream('slates');
  const byTeam = new Map<string, Player[]>();
  for (const p of players) byTeam.set(p.team, [...(byTeam.get(p.team) ?? []), p]);
  return dates.map((date) => {
    let size: number;
    if (date >= '2026-01-31') size = 200;
    else if (date >= WINDOW_START) size = rng.int(193, 200);
    else if (date === INCOMPLETE_FEATURE_DATE) size = 184;
    else size = rng.int(150, 185);
    const games = Math.ceil(size / 24);
    const teams = rng.shuffle([...TEAMS]).slice(0, games * 2);
    const opponent = new Map<string, string>();
    const gameId = new Map<string, string>();
    const home = new Set<string>();
    for (let g = 0; g < games; g++) {
      const [h, a] = [teams[2 * g], teams[2 * g + 1]];
      opponent.set(h, a);
      opponent.set(a, h);
      home.add(h);
      const id = `${date.replace(/-/g, '')}_${a}_${h}`;
      gameId.set(h, id);
      gameId.set(a, id);
    }
    const candidates = teams.flatMap((t) => byTeam.get(t) ?? []);
    const expected = rng.shuffle([...candidates]).slice(0, size);
    const mode: 'daily' | 'backfill' = date < '2025-12-01' || date >= '2026-01-31' ? 'backfill' : 'daily';
    let featurePlayers: Player[];
    if (mode === 'daily') {
      featurePlayers = date === INCOMPLETE_FEATURE_DATE ? rng.shuffle([...expected]).slice(0, Math.round(0.88 * size)) : [...expected];
    } else {
      // Backfill mode: everyone with recent minutes, expected players included.
      const total = date < '2025-12-01' ? rng.int(505, 540) : 461;
      const expectedSet = new Set(expected);
      const extras = rng.shuffle(players.filter((p) => !expectedSet.has(p))).slice(0, total - size);
      featurePlayers = [...expected, ...extras];
    }
    const withFeatures = new Set(featurePlayers);
    // In random order: favouring high scorers would make a model's mix of players (starters,
    // usage) drift with its volume, a shift that looks like a cause and is not one.
    const pool = rng.shuffle(expected.filter((p) => withFeatures.has(p)));
    return { date, expected, opponent, gameId, home, featurePlayers, mode, pool };
  });
}

interface PairFacts {
  line: number;
  actual: number;
  /** Form on the day (scales the player's features). */
  form: number;
}

const pairCache = new Map<string, PairFacts>();
export function pairFacts(date: string, player: Player): PairFacts {
  const key = `${date}|${player.lookup}`;
  let facts = pairCache.get(key);
  if (!facts) {
    const rng = Random.stream(`pair/${key}`);
    const form = player.mu * (1 + 0.06 * rng.normal());
    const line = Math.max(3.5, Math.floor(form + 1.0 * rng.normal()) + 0.5);
    // Mostly ordinary nights, sometimes a blow-up or an early exit: the fat tail of scoring.
    const spread = rng.chance(0.1) ? 9.5 : 4.6;
    const actual = Math.max(0, Math.round(form + spread * rng.normal()));
    facts = { line, actual, form };
    pairCache.set(key, facts);
  }
  return facts;
}

/** Pair facts are cached for one build of the scenario. */
export function forgetPairFacts(): void {
  pairCache.clear();
}
