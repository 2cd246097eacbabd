package flow

import (
	"context"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// BenchmarkReadBackPoll10k is one read-back poll (the users since setup,
// their teams, the audit log since setup) of an org of 10,000 SCIM users,
// all in the team "company", when nothing is new: the requests one poll
// sends, and its time.
func BenchmarkReadBackPoll10k(b *testing.B) {
	env, sb := sandboxEnv(b, sandbox.WithScale(10_000), sandbox.WithRateLimit(1<<30))
	var r Run
	r.RecordCredentials(client.SCIMCredentials{BaseURL: env.Hub.BaseURL() + sandbox.SCIMPath, Token: client.NewSecret(sb.Credentials().SCIMToken)}, time.Now())
	ctx := context.Background()
	requests := 0
	for b.Loop() {
		before := sb.RequestCount()
		f, err := ReadBack(ctx, env, &r)
		if err != nil || len(f.Users) != 0 {
			b.Fatalf("%d users, %v", len(f.Users), err)
		}
		requests += sb.RequestCount() - before
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/poll")
}
