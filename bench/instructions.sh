#!/usr/bin/env bash
# Instructions from process start to the first frame, docker-scim --sandbox
# next to the minimal Bubble Tea v2 program (bench/baseline), counted by
# valgrind's callgrind: unlike time, the count hardly moves with the
# machine's load. Both are built with the benchfirstframe tag, which makes
# them exit as soon as the first frame is written (cli/firstframe_bench.go,
# bench/baseline/firstframe.go); each runs on a pseudo-terminal (script(1)).
# Needs valgrind (apt-get install valgrind); not part of .ci/run.
#
#   bench/instructions.sh [RUNS]        # default 3 runs each; prints every count and the medians
#   KEEP=DIR bench/instructions.sh      # also keeps the callgrind files in DIR (callgrind_annotate)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
command -v valgrind >/dev/null || { echo "bench/instructions.sh: needs valgrind" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -tags benchfirstframe -o "$tmp/docker-scim" .
GOWORK=off go build -tags benchfirstframe -o "$tmp/baseline" ./bench/baseline
mkdir -p "$tmp/home"
# Callgrind cannot follow Go's asynchronous preemption signals.
export GODEBUG=asyncpreemptoff=1 HOME="$tmp/home" XDG_STATE_HOME="$tmp/home/state" DOCKER_SCIM_CLIPBOARD=osc52 TERM=xterm-256color
count() { # name argv...: the instructions of one run
  local out="$tmp/cg.$1.$2"
  timeout 120 script -qec "valgrind --tool=callgrind --callgrind-out-file=$out ${*:3}" /dev/null >"$tmp/log" 2>&1 || true
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$out" "$KEEP/"; fi
  sed -n 's/.*Collected : //p' "$tmp/log" | tr -d '\r'
}
for name in docker-scim baseline; do
  counts=()
  for i in $(seq "$runs"); do
    if [ "$name" = docker-scim ]; then c=$(count "$name" "$i" "$tmp/docker-scim" --sandbox); else c=$(count "$name" "$i" "$tmp/baseline"); fi
    [ -n "$c" ] || { echo "bench/instructions.sh: no count for $name:" >&2; cat "$tmp/log" >&2; exit 1; }
    counts+=("$c")
  done
  median=$(printf '%s\n' "${counts[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%s: instructions to the first frame, median %s (runs: %s)\n' "$name" "$median" "${counts[*]}"
  eval "median_${name//-/_}=$median"
done
awk -v a="$median_docker_scim" -v b="$median_baseline" 'BEGIN { printf "ratio: %.2f×\n", a / b }'
