#!/usr/bin/env bash
# The checks behind action.yml, runnable anywhere: `checks.sh COMMAND...` where COMMAND runs
# the pipeline-lens CLI (e.g. `node path/to/bin/pipeline-lens.js`). Settings come from the
# environment, so nothing a workflow passes is ever parsed as shell:
#   PL_WORKING_DIRECTORY  folder to run in (--cwd); default .
#   PL_CONFIG             pipeline-lens.json to use (--config); default: found from the folder
#   PL_SERVICES           services to verify, separated by spaces or newlines; default none
#   PL_TARGET             revision the services must serve (verify --target); default HEAD
#   PL_DATE               date for `check --date`; default today (UTC); `skip` runs no check
#   PL_FAIL_ON            critical or warning: also run `investigate --fail-on`; default none
# Exit code: 1 when any check proved a failure (stale, not ready, a finding at the level),
# otherwise 2 when any could not decide (unknown, an error), otherwise 0. The same codes go
# to $GITHUB_OUTPUT when it is set: verify-exit-code, check-exit-code,
# investigate-exit-code and exit-code.
set -uo pipefail

if [ "$#" -eq 0 ]; then
  echo "checks.sh: give the command that runs pipeline-lens, e.g. checks.sh node bin/pipeline-lens.js" >&2
  exit 2
fi

global=(--cwd "${PL_WORKING_DIRECTORY:-.}")
if [ -n "${PL_CONFIG:-}" ]; then global+=(--config "$PL_CONFIG"); fi
target="${PL_TARGET:-HEAD}"
date="${PL_DATE:-}"
if [ -z "$date" ]; then date="$(date -u +%Y-%m-%d)"; fi

failed=0
undecided=0
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi
}
# Worse of two codes of one kind: a proven failure (1) before an undecided answer (2).
worse() {
  if [ "$1" -eq 1 ] || [ "$2" -eq 1 ]; then echo 1; elif [ "$1" -ne 0 ]; then echo "$1"; else echo "$2"; fi
}
tally() {
  if [ "$1" -eq 1 ]; then failed=1; elif [ "$1" -ne 0 ]; then undecided=1; fi
}

read -r -a services <<<"$(echo "${PL_SERVICES:-}" | tr '\n' ' ')"
if [ "${#services[@]}" -gt 0 ]; then
  verify_code=0
  for service in "${services[@]}"; do
    echo "::group::pipeline-lens verify --service $service --target $target"
    "$@" "${global[@]}" verify --service "$service" --target "$target"
    code=$?
    echo "::endgroup::"
    echo "verify $service: exit $code"
    verify_code=$(worse "$verify_code" "$code")
    tally "$code"
  done
  output verify-exit-code "$verify_code"
fi

if [ "$date" != "skip" ]; then
  echo "::group::pipeline-lens check --date $date"
  "$@" "${global[@]}" check --date "$date"
  code=$?
  echo "::endgroup::"
  echo "check $date: exit $code"
  output check-exit-code "$code"
  tally "$code"
fi

if [ -n "${PL_FAIL_ON:-}" ]; then
  echo "::group::pipeline-lens investigate --fail-on $PL_FAIL_ON"
  "$@" "${global[@]}" investigate --fail-on "$PL_FAIL_ON"
  code=$?
  echo "::endgroup::"
  echo "investigate --fail-on $PL_FAIL_ON: exit $code"
  output investigate-exit-code "$code"
  tally "$code"
fi

if [ "$failed" -eq 1 ]; then final=1; elif [ "$undecided" -eq 1 ]; then final=2; else final=0; fi
output exit-code "$final"
case "$final" in
  0) echo "Pipeline Lens: every check passed." ;;
  1) echo "Pipeline Lens: a check failed (exit 1); see above." ;;
  *) echo "Pipeline Lens: a check could not decide (exit 2), which blocks like a failure; see above." ;;
esac
exit "$final"
