package flow

import (
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// FuzzComputeLinkReport feeds member and SCIM lists built from arbitrary
// text and checks the report's invariants: every member is in exactly one
// state, every SCIM user is either linked or listed as not a member, the
// counts add up, and no control character reaches the Markdown.
func FuzzComputeLinkReport(f *testing.F) {
	f.Add("jane@moby.example|Jane Doe|0\nalex.kim@moby.example|Alex Kim|1", "jane@moby.example|Jane|Doe|1\nakim@moby.example|Alex|Kim|0")
	f.Add("x|\x1b[31mred|0", "X|\x1b]0;t\x07|y|1")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, memberText, userText string) {
		var members []client.Member
		for _, line := range strings.Split(memberText, "\n") {
			p := strings.SplitN(line, "|", 3)
			for len(p) < 3 {
				p = append(p, "")
			}
			members = append(members, client.Member{Username: p[1], FullName: p[1], Email: p[0], IsGuest: p[2] == "1"})
		}
		var users []client.User
		for _, line := range strings.Split(userText, "\n") {
			p := strings.SplitN(line, "|", 4)
			for len(p) < 4 {
				p = append(p, "")
			}
			users = append(users, client.User{UserName: p[0], GivenName: p[1], FamilyName: p[2], Active: p[3] == "1"})
		}
		r := ComputeLinkReport("moby", steps.Okta, members, users)
		c := r.Counts
		if c.Members != len(members) || c.Linked+c.WillLink+c.OutsideSCIM+c.EmailMismatch != c.Members {
			t.Fatalf("member counts do not add up: %+v for %d members", c, len(members))
		}
		if c.Deactivated+c.Pending != len(r.SCIMOnly) || c.SCIMUsers != len(users) || len(r.SCIMOnly) > len(users) {
			t.Fatalf("SCIM counts do not add up: %+v, %d not members", c, len(r.SCIMOnly))
		}
		for _, m := range r.Members {
			if (m.State == MemberLinked) != (m.SCIMUser != nil) || (m.State == MemberEmailMismatch) != (len(m.LookAlikes) > 0) || len(m.LookAlikes) > maxLookAlikes {
				t.Fatalf("inconsistent member %+v", m)
			}
		}
		if md := r.Markdown(); strings.ContainsAny(md, "\x1b\x07\x00\r") {
			t.Fatalf("a control character reached the Markdown: %q", md)
		}
	})
}
