package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/sandbox"
)

// BenchmarkProbeWith200msLatency shows the probe's four requests run at
// once: with 200 ms injected before every SCIM answer, the wall time per
// probe is close to one request's latency, not four. It reports the wall
// time and the sum of the checks' latencies (what running them one after
// another would cost).
func BenchmarkProbeWith200msLatency(b *testing.B) {
	const latency = 200 * time.Millisecond
	_, s, _ := scimSandbox(b, 0, sandbox.WithFault(sandbox.Fault{Path: sandbox.SCIMPath, Latency: latency}))
	ctx := context.Background()
	var wall, sum time.Duration
	probes := 0
	for b.Loop() {
		res := s.Probe(ctx)
		if !res.OK() {
			b.Fatalf("probe failed: %+v", res.Checks)
		}
		wall += res.Elapsed
		for _, c := range res.Checks {
			sum += c.Latency
		}
		probes++
	}
	b.ReportMetric(float64(wall.Milliseconds())/float64(probes), "wall-ms/probe")
	b.ReportMetric(float64(sum.Milliseconds())/float64(probes), "sequential-ms/probe")
	b.ReportMetric(float64(latency.Milliseconds()), "one-request-ms")
}
