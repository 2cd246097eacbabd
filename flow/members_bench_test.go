package flow_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// scale is the organization size the report is measured at.
const scale = 10000

// BenchmarkComputeLinkReport10k compares 10,000 members with 10,000 SCIM
// users: half linked, the rest split between will-link, guests, look-alikes
// and SCIM users that are not members.
func BenchmarkComputeLinkReport10k(b *testing.B) {
	members := make([]client.Member, scale)
	users := make([]client.User, scale)
	for i := range scale {
		members[i] = client.Member{Username: fmt.Sprint("m", i), FullName: fmt.Sprint("Person ", i), Email: fmt.Sprintf("p%d@moby.example", i), IsGuest: i%10 == 9}
		email := members[i].Email
		if i%2 == 1 {
			email = fmt.Sprintf("other%d@moby.example", i)
		}
		users[i] = client.User{ID: fmt.Sprint(i), UserName: email, GivenName: "Person", FamilyName: fmt.Sprint(i), Active: i%7 != 0}
	}
	for b.Loop() {
		r := flow.ComputeLinkReport("moby", steps.Okta, members, users)
		if r.Counts.Members != scale {
			b.Fatal(r.Counts)
		}
	}
}

// BenchmarkFetchLinkReport10k reads 10,000 members and 10,000 SCIM users
// from the sandbox over loopback HTTP (100 members and 200 SCIM users a
// page) and computes the report.
func BenchmarkFetchLinkReport10k(b *testing.B) {
	sb, hub, scim := mixSandbox(b, sandbox.WithRateLimit(1<<30))
	console := client.SandboxConsole{Hub: hub}
	creds := client.SCIMCredentials{BaseURL: scim.BaseURL(), Token: client.NewSecret(sb.Credentials().SCIMToken)}
	var users []client.PushUser
	for i := range scale - 3 { // the mix has 3 SCIM users already
		users = append(users, client.PushUser{UserName: fmt.Sprintf("user%05d@moby.example", i), GivenName: "User", FamilyName: fmt.Sprint(i)})
		if len(users) == 1000 || i == scale-4 {
			if _, err := console.SimulatePush(context.Background(), creds, client.PushRequest{Users: users}); err != nil {
				b.Fatal(err)
			}
			users = users[:0]
		}
	}
	before := sb.RequestCount()
	n := 0
	for b.Loop() {
		r, err := flow.FetchLinkReport(context.Background(), hub, scim, "moby", steps.Okta)
		if err != nil {
			b.Fatal(err)
		}
		if r.Counts.SCIMUsers != scale {
			b.Fatalf("counts %+v", r.Counts)
		}
		n++
	}
	b.ReportMetric(float64(sb.RequestCount()-before)/float64(n), "requests/op")
}
