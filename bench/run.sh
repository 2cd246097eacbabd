#!/usr/bin/env bash
# Side-by-side benchmarks: docker-scim next to a minimal Bubble Tea v2
# program (bench/baseline), measured in the same run on a pseudo-terminal,
# plus the Go benchmarks for the probe, the request count and the connection
# list. It prints each ratio with its target. It reports and never fails on
# timing; it exits non-zero only when something could not be measured.
#
#   bench/run.sh          # full: 20 runs, 20 processes idling 10 s at once
#   bench/run.sh quick    # CI: 5 runs, 5 processes idling 3 s
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-full}
case $mode in
  full)  runs=20 idle=10s procs=20 benchtime=1s ;;
  quick) runs=5  idle=3s  procs=5  benchtime=100ms ;;
  *) echo "usage: bench/run.sh [full|quick]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/docker-scim" .
go build -o "$tmp/baseline" ./bench/baseline
go build -o "$tmp/harness" ./bench/harness
go test -run '^$' -bench '^BenchmarkProbeWith200msLatency$' -benchtime 3x ./client >"$tmp/probe.txt"
go test -run '^$' -bench '^BenchmarkRequestsToCredentialsCopied$' -benchtime 1x ./tui >"$tmp/requests.txt"
go test -run '^$' -bench '^BenchmarkConnections' -benchtime "$benchtime" ./tui >"$tmp/view.txt"

echo "## Machine"
echo
echo "- $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') (CPUID: $(sed -n 's/^cpu: *//p' "$tmp/view.txt" | sed 's/ *$//'))"
echo "- $(go version)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## Terminal: docker-scim vs. the minimal Bubble Tea v2 program"
echo
"$tmp/harness" -app "$tmp/docker-scim" -baseline "$tmp/baseline" -runs "$runs" -idle "$idle" -idle-procs "$procs" -mode "$mode"

echo
echo "## Go benchmarks ($mode: -benchtime $benchtime; the probe 3 times; the request count once)"
echo
# metric prints the value of the named unit from one benchmark's line.
metric() { awk -v b="$1" -v u="$2" '$1 ~ "^"b"(-[0-9]+)?$" { for (i = 3; i < NF; i++) if ($(i+1) == u) { print $i; exit } }' "$3"; }


wall=$(metric BenchmarkProbeWith200msLatency wall-ms/probe "$tmp/probe.txt")
one=$(metric BenchmarkProbeWith200msLatency one-request-ms "$tmp/probe.txt")
seq=$(metric BenchmarkProbeWith200msLatency sequential-ms/probe "$tmp/probe.txt")
requests=$(metric BenchmarkRequestsToCredentialsCopied requests "$tmp/requests.txt")
view_ns=$(metric BenchmarkConnectionsViewFiltered10k ns/op "$tmp/view.txt")
view_allocs=$(metric BenchmarkConnectionsViewFiltered10k allocs/op "$tmp/view.txt")
view_bytes=$(metric BenchmarkConnectionsViewFiltered10k B/op "$tmp/view.txt")
key_ns=$(metric BenchmarkConnectionsFilterKey10k ns/op "$tmp/view.txt")
key_allocs=$(metric BenchmarkConnectionsFilterKey10k allocs/op "$tmp/view.txt")
for v in wall one seq requests view_ns view_allocs view_bytes key_ns key_allocs; do
  if [ -z "${!v}" ]; then
    echo "bench/run.sh: no value for $v in the benchmark output:" >&2
    cat "$tmp/probe.txt" "$tmp/requests.txt" "$tmp/view.txt" >&2
    exit 1
  fi
done

awk -v wall="$wall" -v one="$one" -v seq="$seq" -v req="$requests" \
    -v vns="$view_ns" -v va="$view_allocs" -v vb="$view_bytes" -v kns="$key_ns" -v ka="$key_allocs" 'BEGIN {
  print "| metric | measured | target | met |"
  print "|---|---|---|---|"
  r = wall / one
  printf "| probe wall time, 200 ms injected per request | %.0f ms = %.2f× one request (%.0f ms; one after another: %.0f ms) | ≤ 1.3× | %s |\n", wall, r, one, seq, (r <= 1.3 ? "yes" : sprintf("**no** (%.0f%% over)", 100 * (r / 1.3 - 1)))
  printf "| HTTP requests, start to API Token copied (sandbox) | %d | ≤ 8 | %s |\n", req, (req <= 8 ? "yes" : sprintf("**no** (%d over)", req - 8))
  printf "| View(), 10,000 connections, filter \"okta\" | %.3f ms, %d allocs, %.0f kB per frame | — | — |\n", vns / 1e6, va, vb / 1024
  printf "| filter keystroke + View(), 10,000 connections | %.2f ms, %d allocs | — | — |\n", kns / 1e6, ka
}'
echo
echo "Requests counted (from the benchmark log):"
sed -n '/requests from start/,/^PASS/p' "$tmp/requests.txt" | sed '1d;$d' | grep -v 'output truncated' | sed 's/^ */  /'
