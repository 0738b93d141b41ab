/** The feature store (ml_feature_store_v2): who has a row, which build wrote it, and the broken and fixed features. */
import { PROCESSOR_DEPLOYS } from '../deploymentPlan';
import { FEATURE_COUNT } from '../featureRegistry';
import { apportion, Random } from '../random';
import { dayStart, inRange, NOVEMBER_REGENERATED_MS } from './calendar';
import type { FeatureRow } from './rows';
import type { Cell } from './runs';
import { pairFacts, TEAMS, type Player, type Slate } from './slates';

function processorBuildAt(ms: number): string {
  let role: string | undefined;
  for (const d of PROCESSOR_DEPLOYS) if (Date.parse(d.at) <= ms) role = d.commitRole;
  if (!role) throw new Error(`No feature store build at ${new Date(ms).toISOString()}`);
  return role;
}

const USAGE_BROKEN = new Set(['usageSpikeBreak', 'paceBreak', 'paceFix', 'vegasSourceChange']);
const PACE_BROKEN = new Set(['paceBreak']);

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function buildFeatureStore(slates: Slate[], cells: Cell[], shas: Record<string, string>): { rows: FeatureRow[]; vegas: Map<string, boolean> } {
  const rng = Random.stream('feature-store');
  const teamWin = new Map(TEAMS.map((t) => [t, r3(Random.stream(`team/${t}`).uniform(0.22, 0.74))]));
  const teamPace = new Map(TEAMS.map((t) => [t, r3(Random.stream(`pace/${t}`).uniform(96.5, 103.5))]));
  const teamDef = new Map(TEAMS.map((t) => [t, r3(Random.stream(`def/${t}`).uniform(106, 119.5))]));

  // Who has a Vegas line in the store. In daily mode (written at 13:30, before most props are
  // posted) about 40% do; for catboost_v8's predicted players the record's shares are exact.
  const vegas = new Map<string, boolean>();
  const v8Pairs = (from: string, to: string) => {
    const byDate = new Map<string, Player[]>();
    for (const c of cells) {
      if (c.system !== 'catboost_v8' || c.failed || c.kind !== 'daily' || !inRange(c.date, from, to)) continue;
      byDate.set(c.date, c.players);
    }
    return byDate;
  };
  const exactShare = (from: string, to: string, share: number) => {
    const byDate = v8Pairs(from, to);
    const dates = [...byDate.keys()].sort();
    const sizes = dates.map((d) => byDate.get(d)!.length);
    const total = Math.round(share * sizes.reduce((s, x) => s + x, 0));
    const parts = apportion(
      total,
      sizes.map((s) => s * rng.uniform(0.85, 1.15)),
      sizes,
    );
    dates.forEach((d, i) => {
      const chosen = new Set(rng.shuffle([...byDate.get(d)!]).slice(0, parts[i]));
      for (const p of byDate.get(d)!) vegas.set(`${d}|${p.lookup}`, chosen.has(p));
    });
  };
  exactShare('2026-01-01', '2026-01-07', 0.375);
  exactShare('2026-01-09', '2026-01-28', 0.453);

  const novemberRows = slates.filter((s) => s.mode === 'backfill' && s.date < '2025-12-01').flatMap((s) => s.featurePlayers.map((p) => `${s.date}|${p.lookup}`));
  const novemberMissing = new Set(rng.shuffle([...novemberRows]).slice(0, Math.round(0.006 * novemberRows.length)));

  const rows: FeatureRow[] = [];
  for (const slate of slates) {
    const expected = new Set(slate.expected);
    const generatedAt = slate.mode === 'backfill' && slate.date < '2025-12-01' ? NOVEMBER_REGENERATED_MS : dayStart(slate.date) + 13.5 * 3600_000;
    const buildRole = processorBuildAt(generatedAt);
    for (const p of slate.featurePlayers) {
      const key = `${slate.date}|${p.lookup}`;
      let hasLine: boolean;
      let source: string | null;
      if (slate.mode === 'daily') {
        if (!vegas.has(key)) vegas.set(key, rng.chance(0.42));
        hasLine = vegas.get(key)!;
        source = hasLine ? (rng.chance(0.85) ? 'odds_api' : 'bettingpros') : null;
      } else if (slate.date < '2025-12-01') {
        hasLine = !novemberMissing.has(key);
        source = hasLine ? (rng.chance(0.8) ? 'odds_api' : 'bettingpros') : null;
      } else {
        // Phase 3 has lines only for the players it expects.
        hasLine = expected.has(p);
        source = hasLine ? 'phase3_context' : null;
      }
      vegas.set(key, hasLine);
      rows.push({
        player_lookup: p.lookup,
        game_date: slate.date,
        features: featureVector(p, slate, hasLine, buildRole, teamWin, teamPace, teamDef),
        build_commit_sha: shas[buildRole],
        feature_source_mode: slate.mode,
        vegas_line_source: source,
      });
    }
  }
  return { rows, vegas };
}

function featureVector(
  p: Player,
  slate: Slate,
  hasLine: boolean,
  buildRole: string,
  teamWin: Map<string, number>,
  teamPace: Map<string, number>,
  teamDef: Map<string, number>,
): number[] {
  const rng = Random.stream(`features/${slate.date}/${p.lookup}`);
  const facts = pairFacts(slate.date, p);
  const opponent = slate.opponent.get(p.team) ?? TEAMS[(TEAMS.indexOf(p.team) + 7) % TEAMS.length];
  const minutes = Math.min(38, 10 + 0.95 * p.mu + 2 * rng.normal());
  const pace = PACE_BROKEN.has(buildRole) ? 0 : ((teamPace.get(p.team)! + teamPace.get(opponent)!) / 2) * (1 + 0.01 * rng.normal());
  const usage = USAGE_BROKEN.has(buildRole) || !rng.chance(0.7) ? 0 : 0.15 + 1.13 * rng.exponential();
  const rest = rng.chance(0.18) ? 0 : rng.int(1, 3);
  const opening = hasLine ? facts.line + rng.pick([-1, -0.5, 0, 0, 0, 0.5, 1]) : 0;
  const ppm = facts.form / Math.max(8, minutes);
  const f = new Array<number>(FEATURE_COUNT);
  f[0] = Math.max(0, facts.form + 2.2 * rng.normal());
  f[1] = Math.max(0, facts.form + 1.5 * rng.normal());
  f[2] = Math.max(0.5, p.mu + 0.8 * rng.normal());
  f[3] = 2.5 + 0.22 * p.mu + 0.6 * rng.normal();
  f[4] = minutes;
  f[5] = rng.uniform(0.05, 0.9);
  f[6] = rng.uniform(0.1, 0.95);
  f[7] = pace;
  f[8] = usage;
  f[9] = rest;
  f[10] = rest === 0 ? 1 : 0;
  f[11] = slate.home.has(p.team) ? 1 : 0;
  f[12] = rng.chance(0.85) ? 0 : rng.uniform(0.1, 0.6);
  f[13] = rng.uniform(0.38, 0.56);
  f[14] = rng.uniform(0.12, 0.5);
  f[15] = rng.uniform(0.1, 0.38);
  f[16] = rng.uniform(0.2, 0.55);
  f[17] = rng.uniform(0.05, 0.25);
  f[18] = Math.min(0.36, 0.1 + 0.008 * p.mu + 0.02 * rng.normal());
  f[19] = p.mu >= 12 ? 1 : 0;
  f[20] = rng.int(2, 4);
  f[21] = rng.uniform(18, 28);
  f[22] = teamPace.get(p.team)!;
  f[23] = rng.uniform(108, 122);
  f[24] = teamWin.get(p.team)!;
  f[25] = hasLine ? facts.line : 0;
  f[26] = opening;
  f[27] = hasLine ? facts.line - opening : 0;
  f[28] = hasLine ? 1 : 0;
  f[29] = teamDef.get(opponent)!;
  f[30] = teamPace.get(opponent)!;
  f[31] = ppm * (1 + 0.05 * rng.normal());
  f[32] = p.mu / Math.max(8, 10 + 0.95 * p.mu);
  return f.map(r3);
}
