/** The predictions backfill job: it calls the deployed service, whatever the checkout says. */
export type BackfillStage = 'initial' | 'range';

export function backfillPredictionsPy(stage: BackfillStage): string {
  const range = stage === 'range';
  return `"""Regenerates predictions for past game dates by calling the deployed prediction-worker
with mode=backfill. The service runs whatever revision is deployed, not this checkout.
"""
import argparse
import datetime as dt
import subprocess

import requests
${range ? 'from google.cloud import bigquery\n' : ''}
SERVICE_URL = "https://prediction-worker-7q2kdl3x5a-wl.a.run.app"


def id_token():
    return subprocess.check_output(["gcloud", "auth", "print-identity-token"], text=True).strip()

${
  range
    ? `
def mark_superseded(bq, start, end, system_ids, reason):
    """Flags the rows a backfill replaces so metrics count only the regenerated ones."""
    sql = """
        UPDATE \`nba_predictions.player_prop_predictions\`
        SET is_active = FALSE, superseded = TRUE,
            superseded_at = CURRENT_TIMESTAMP(), superseded_reason = @reason
        WHERE game_date BETWEEN @start AND @end
          AND system_id IN UNNEST(@system_ids)
          AND is_active
    """
    job_config = bigquery.QueryJobConfig(query_parameters=[
        bigquery.ScalarQueryParameter("start", "DATE", start),
        bigquery.ScalarQueryParameter("end", "DATE", end),
        bigquery.ArrayQueryParameter("system_ids", "STRING", system_ids),
        bigquery.ScalarQueryParameter("reason", "STRING", reason),
    ])
    bq.query(sql, job_config=job_config).result()

`
    : ''
}
def main():
    parser = argparse.ArgumentParser()
${
  range
    ? `    parser.add_argument("--start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--end", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--system-id", action="append", required=True)
    parser.add_argument("--mark-superseded", action="store_true")`
    : `    parser.add_argument("--date", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--system-id", action="append")`
}
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {id_token()}"}
${
  range
    ? `    bq = bigquery.Client()
    day = args.start
    while day <= args.end:
        body = {"game_date": day.isoformat(), "mode": "backfill", "system_ids": args.system_id,
                "batch_id": f"backfill-{dt.date.today().isoformat()}"}
        if args.mark_superseded:
            mark_superseded(bq, day, day, args.system_id,
                            f"superseded by backfill {args.start}..{args.end}")
        resp = requests.post(f"{SERVICE_URL}/predict", json=body, headers=headers, timeout=900)
        resp.raise_for_status()
        for row in resp.json():
            print(day, row["system_id"], row["players_predicted"], row["deployment_revision"])
        day += dt.timedelta(days=1)`
    : `    body = {"game_date": args.date.isoformat(), "mode": "backfill", "system_ids": args.system_id}
    resp = requests.post(f"{SERVICE_URL}/predict", json=body, headers=headers, timeout=900)
    resp.raise_for_status()
    print(resp.json())`
}


if __name__ == "__main__":
    main()
`;
}
