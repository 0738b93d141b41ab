/**
 * The 33 positional features of `ml_feature_store_v2` in the demo pipeline. The indices the
 * incident record names (7, 8, 24, 25, 28 and the 25-32 group) sit where the record puts them.
 */

export interface DemoFeature {
  index: number;
  name: string;
  description: string;
  minCoverage: number | null;
}

export const DEMO_FEATURES: readonly DemoFeature[] = [
  { index: 0, name: 'points_avg_last_5', description: 'Mean points over the last 5 games', minCoverage: null },
  { index: 1, name: 'points_avg_last_10', description: 'Mean points over the last 10 games', minCoverage: null },
  { index: 2, name: 'points_avg_season', description: 'Mean points this season', minCoverage: null },
  { index: 3, name: 'points_std_last_10', description: 'Standard deviation of points over the last 10 games', minCoverage: null },
  { index: 4, name: 'minutes_avg_last_10', description: 'Mean minutes over the last 10 games', minCoverage: null },
  { index: 5, name: 'fatigue_score', description: 'Load over the last 7 days (0-1), from player_composite_factors', minCoverage: null },
  { index: 6, name: 'shot_zone_mismatch_score', description: "Fit of the player's shot zones against the opponent's weak zones", minCoverage: null },
  { index: 7, name: 'pace_score', description: 'Expected possessions of the game (team and opponent pace, precompute)', minCoverage: 0.9 },
  { index: 8, name: 'usage_spike_score', description: 'Recent usage above the season norm (0 when none); usually 65-75% non-zero', minCoverage: 0.5 },
  { index: 9, name: 'rest_days', description: 'Days since the previous game', minCoverage: null },
  { index: 10, name: 'back_to_back', description: '1 when the player also played yesterday', minCoverage: null },
  { index: 11, name: 'home_game', description: '1 for a home game', minCoverage: null },
  { index: 12, name: 'injury_risk_score', description: 'Listed-injury risk (0 when not on the report)', minCoverage: null },
  { index: 13, name: 'fg_pct_last_10', description: 'Field-goal percentage over the last 10 games', minCoverage: null },
  { index: 14, name: 'three_pt_rate_last_10', description: 'Share of attempts from three over the last 10 games', minCoverage: null },
  { index: 15, name: 'ft_rate_last_10', description: 'Free throws per field-goal attempt over the last 10 games', minCoverage: null },
  { index: 16, name: 'paint_rate_last_10', description: 'Share of attempts in the paint over the last 10 games', minCoverage: null },
  { index: 17, name: 'mid_range_rate_last_10', description: 'Share of mid-range attempts over the last 10 games', minCoverage: null },
  { index: 18, name: 'usage_rate_last_10', description: 'Usage rate over the last 10 games', minCoverage: null },
  { index: 19, name: 'starter_flag', description: '1 when the player is projected to start', minCoverage: null },
  { index: 20, name: 'games_in_last_7_days', description: 'Games played in the last 7 days', minCoverage: null },
  { index: 21, name: 'opponent_points_allowed_to_position', description: 'Points the opponent allows to this position', minCoverage: null },
  { index: 22, name: 'team_pace_last_10', description: "Team's pace over its last 10 games", minCoverage: null },
  { index: 23, name: 'team_off_rating_last_10', description: "Team's offensive rating over its last 10 games", minCoverage: null },
  { index: 24, name: 'team_win_pct', description: "Team's winning percentage this season", minCoverage: null },
  { index: 25, name: 'vegas_points_line', description: 'Bookmaker points line (0 when no line)', minCoverage: 0.8 },
  { index: 26, name: 'vegas_opening_line', description: 'Opening points line (0 when no line)', minCoverage: null },
  { index: 27, name: 'vegas_line_move', description: 'Current line minus opening line', minCoverage: null },
  { index: 28, name: 'has_vegas_line', description: '1 when a points line exists, else 0', minCoverage: null },
  { index: 29, name: 'opponent_def_rating', description: "Opponent's defensive rating over its last 10 games", minCoverage: null },
  { index: 30, name: 'opponent_pace', description: "Opponent's pace over its last 10 games", minCoverage: null },
  { index: 31, name: 'ppm_avg_last_10', description: 'Points per minute over the last 10 games', minCoverage: null },
  { index: 32, name: 'ppm_avg_season', description: 'Points per minute this season', minCoverage: null },
];

export const FEATURE_COUNT = 33;
