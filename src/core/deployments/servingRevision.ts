import type { Deployment } from './types';

/**
 * The revision serving traffic now: the one with the most traffic, or the newest when the
 * source does not record traffic (a deploy script's log usually does not).
 */
export function servingNow(deployments: Deployment[]): Deployment | null {
  if (deployments.length === 0) return null;
  const withTraffic = deployments.filter((d) => d.trafficPercent !== null && d.trafficPercent > 0);
  if (withTraffic.length > 0) {
    return withTraffic.reduce((best, d) => (d.trafficPercent! > best.trafficPercent! || (d.trafficPercent === best.trafficPercent && d.createdAt > best.createdAt) ? d : best));
  }
  return deployments.reduce((latest, d) => (d.createdAt > latest.createdAt ? d : latest));
}

/** The revision that was serving at `instant`: the newest created at or before it. */
export function servingAt(deployments: Deployment[], instant: string): Deployment | null {
  let found: Deployment | null = null;
  for (const d of deployments) if (d.createdAt <= instant && (!found || d.createdAt >= found.createdAt)) found = d;
  return found;
}
