#!/usr/bin/env bash
# Benchmarks: docker-scim next to a minimal Bubble Tea v2 program
# (bench/baseline, built with upstream Bubble Tea) on a pseudo-terminal, in
# a quiet and a loaded mode (one CPU burner per CPU), plus the Go benchmarks
# for the probe, the request count, the connection list, the read-back and
# the preflight at 10,000 users, and the patched renderer's idle test. It
# prints every figure of docs/performance.md with its target. It reports and
# never fails on timing; it exits non-zero only when something could not be
# measured (or the patched renderer's test fails).
#
#   bench/run.sh          # full: 20 pairs of runs; idle CPU 3 × 30 s per program
#   bench/run.sh quick    # CI: 5 pairs; idle CPU 1 × 3 s per program
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-full}
case $mode in
  full)  runs=20 idle=30s idle_runs=3 benchtime=1s ;;
  quick) runs=5  idle=3s  idle_runs=1 benchtime=100ms ;;
  *) echo "usage: bench/run.sh [full|quick]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# docker-scim as the repository builds it (go.work: the patched renderer),
# and as `go install` builds it (GOWORK=off: upstream Bubble Tea); the
# baseline always with upstream Bubble Tea.
go build -o "$tmp/docker-scim" .
GOWORK=off go build -o "$tmp/docker-scim-upstream" .
GOWORK=off go build -o "$tmp/baseline" ./bench/baseline
go build -o "$tmp/harness" ./bench/harness
go test -count=1 -run '^TestRendererDoesNotWakeWhenIdle$' -v charm.land/bubbletea/v2 >"$tmp/renderer.txt"
go test -run '^$' -bench '^BenchmarkProbeWith200msLatency$' -benchtime 3x ./client >"$tmp/probe.txt"
go test -run '^$' -bench '^BenchmarkRequestsToCredentialsCopied$' -benchtime 1x ./tui >"$tmp/requests.txt"
go test -run '^$' -bench '^Benchmark(Connections|ReadBackView10kUsers)' -benchmem -benchtime "$benchtime" ./tui >"$tmp/view.txt"
go test -run '^$' -bench '^BenchmarkReadBackPoll10k$' -benchtime 5x ./flow >"$tmp/poll.txt"
go test -run '^$' -bench '^BenchmarkPreflightMembers10k$' -benchtime 2x ./sandbox >"$tmp/preflight.txt"

echo "## Machine"
echo
echo "- $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') (CPUID: $(sed -n 's/^cpu: *//p' "$tmp/view.txt" | sed 's/ *$//'))"
echo "- $(go version); charm.land/bubbletea/v2 v2.1.1 (docker-scim: patched renderer, third_party/bubbletea)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## Terminal, quiet: docker-scim vs. the minimal Bubble Tea v2 program"
echo
"$tmp/harness" -app "$tmp/docker-scim" -app-upstream "$tmp/docker-scim-upstream" -baseline "$tmp/baseline" \
  -runs "$runs" -idle "$idle" -idle-runs "$idle_runs"
echo
echo "## Terminal, loaded: $(nproc) CPU burners (every CPU busy)"
echo
"$tmp/harness" -app "$tmp/docker-scim" -baseline "$tmp/baseline" -runs "$runs" -idle-runs 0 -load "$(nproc)"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "## Go benchmarks ($mode: -benchtime $benchtime; the probe 3 times; the request count once; the read-back poll 5 times; the preflight twice)"
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
rb_view_ns=$(metric BenchmarkReadBackView10kUsers ns/op "$tmp/view.txt")
rb_view_allocs=$(metric BenchmarkReadBackView10kUsers allocs/op "$tmp/view.txt")
poll_req=$(metric BenchmarkReadBackPoll10k requests/poll "$tmp/poll.txt")
poll_ns=$(metric BenchmarkReadBackPoll10k ns/op "$tmp/poll.txt")
pre_req=$(metric BenchmarkPreflightMembers10k requests "$tmp/preflight.txt")
pre_ns=$(metric BenchmarkPreflightMembers10k ns/op "$tmp/preflight.txt")
for v in wall one seq requests view_ns view_allocs view_bytes key_ns key_allocs rb_view_ns rb_view_allocs poll_req poll_ns pre_req pre_ns; do
  if [ -z "${!v}" ]; then
    echo "bench/run.sh: no value for $v in the benchmark output:" >&2
    cat "$tmp"/*.txt >&2
    exit 1
  fi
done

awk -v wall="$wall" -v one="$one" -v seq="$seq" -v req="$requests" \
    -v vns="$view_ns" -v va="$view_allocs" -v vb="$view_bytes" -v kns="$key_ns" -v ka="$key_allocs" \
    -v rbns="$rb_view_ns" -v rba="$rb_view_allocs" -v preq="$poll_req" -v pns="$poll_ns" -v mreq="$pre_req" -v mns="$pre_ns" 'BEGIN {
  print "| metric | measured | target | met |"
  print "|---|---|---|---|"
  r = wall / one
  printf "| probe wall time, 200 ms injected per request | %.0f ms = %.2f× one request (%.0f ms; one after another: %.0f ms) | ≤ 1.3× | %s |\n", wall, r, one, seq, (r <= 1.3 ? "yes" : sprintf("**no** (%.0f%% over)", 100 * (r / 1.3 - 1)))
  printf "| HTTP requests, start to API Token copied (sandbox) | %d | ≤ 8 | %s |\n", req, (req <= 8 ? "yes" : sprintf("**no** (%d over)", req - 8))
  printf "| View(), 10,000 connections, filter \"okta\" | %.3f ms, %d allocs, %.0f kB per frame | — | — |\n", vns / 1e6, va, vb / 1024
  printf "| filter keystroke + View(), 10,000 connections | %.2f ms, %d allocs | — | — |\n", kns / 1e6, ka
  printf "| read-back poll, 10,000 SCIM users in a 10,000-member team, nothing new (users + their teams + audit log) | %.0f requests, %.1f ms | 1 request for the users, a few for the teams | %s |\n", preq, pns / 1e6, (preq <= 3 ? "yes" : "**no**")
  printf "| read-back View(), 10,000 users | %.2f ms, %d allocs | within one frame (8.3 ms at 120 fps) | %s |\n", rbns / 1e6, rba, (rbns / 1e6 <= 8.3 ? "yes" : "**no**")
  printf "| preflight member list, 10,000 members (sandbox) | %.0f requests, %.2f s | pages as Docker needs (100 per page) | %s |\n", mreq, mns / 1e9, (mreq <= 101 ? "yes" : "**no**")
}'
echo
echo "Patched renderer (third_party/bubbletea/idle_test.go, virtual time): $(grep -cE '^--- PASS: TestRendererDoesNotWakeWhenIdle' "$tmp/renderer.txt") pass — 0 renderer wake-ups in an idle minute at 120 fps (upstream v2.1.1: 7,200)."
echo
echo "Requests counted (from the benchmark log):"
sed -n '/requests from start/,/^PASS/p' "$tmp/requests.txt" | sed '1d;$d' | grep -v 'output truncated' | sed 's/^ */  /'
