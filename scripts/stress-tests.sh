#!/usr/bin/env bash
# Load mode for the terminal tests: runs the end-to-end tests in tmux
# (./e2e) and the wizard's virtual-terminal and driver tests (./tui) with a
# CPU burner on every core, with -race and -count=5, so that a test that
# only passes on a quiet machine fails here, on purpose.
#
# Usage: scripts/stress-tests.sh [extra go test flags, e.g. -run TestResize]
# Knobs: COUNT (runs of each test, default 5), BURNERS (default: one per
# core), PKGS (default "./e2e ./tui"), TIMEOUT (go test -timeout, default
# 30m: each wait in the tests has its own, much shorter, deadline).
#
# It prints, per package, how many top-level test runs passed and failed
# and how long the package took, then the failures; the exit status is
# non-zero when any run failed. The full log is kept in $LOG (default a
# temporary file, named at the end).
set -uo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-5}
BURNERS=${BURNERS:-$(nproc)}
PKGS=${PKGS:-./e2e ./tui}
TIMEOUT=${TIMEOUT:-30m}
LOG=${LOG:-$(mktemp -t docker-scim-stress-XXXXXX.log)}
# The end-to-end tests must not skip for want of tmux here.
export DOCKER_SCIM_E2E_REQUIRE=1

burners=()
stop_burners() {
  local pid
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null; done
  burners=()
}
trap stop_burners EXIT
trap 'stop_burners; exit 130' INT TERM

# Build first, without the burners: the load is for the tests.
# shellcheck disable=SC2086
go test -race -count=1 -run '^$' $PKGS >/dev/null || { echo "build failed"; exit 1; }

for _ in $(seq "$BURNERS"); do
  (while :; do :; done) &
  burners+=($!)
done
echo "stress: $BURNERS CPU burners on $(nproc) cores; go test -race -count=$COUNT -timeout $TIMEOUT $PKGS $*"
echo "stress: log in $LOG"

start=$(date +%s)
# shellcheck disable=SC2086
go test -race -count="$COUNT" -timeout "$TIMEOUT" -v "$@" $PKGS >"$LOG" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))
stop_burners

# Summary: top-level runs only (subtests are indented in -v output).
passed=$(grep -c '^--- PASS' "$LOG")
failed=$(grep -c '^--- FAIL' "$LOG")
echo
echo "stress: $((passed + failed)) top-level test runs: $passed passed, $failed failed, in ${elapsed}s (go test exit $status)"
grep -E '^(ok|FAIL|panic:)[[:space:]]' "$LOG" | sed 's/^/  /'
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then
  echo
  echo "stress: failures (full log: $LOG):"
  grep -E '^\s*--- FAIL|_test\.go:[0-9]+:' "$LOG" | head -n 60 | sed 's/^/  /'
  exit 1
fi
