package flow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
)

// TestAuditSummary sums the audit log by action and explains a token that
// may not read it.
func TestAuditSummary(t *testing.T) {
	log := []client.AuditLog{{Action: "team.member.add"}, {Action: "member.add"}, {Action: "team.member.add"}}
	if got, want := AuditSummary(log, nil), "Audit log since setup: 3 event(s): member.add ×1, team.member.add ×2."; got != want {
		t.Fatalf("AuditSummary = %q, want %q", got, want)
	}
	if got := AuditSummary(nil, &client.Error{Op: "read the audit log of moby", Kind: client.KindForbidden, Status: 403}); !strings.Contains(got, "scope-activity-read") {
		t.Fatalf("AuditSummary for a 403 = %q", got)
	}
	if got := AuditSummary(nil, nil); got != "" {
		t.Fatalf("AuditSummary with no events = %q", got)
	}
}

// TestTeamsOf reads teams from the users' SCIM groups attribute and
// from team.member.add events naming a user's Docker ID.
func TestTeamsOf(t *testing.T) {
	users := []client.User{
		{UserName: "ada@moby.example", DisplayName: "ada", Groups: []string{"moby:developers", "other:ops"}},
		{UserName: "bob@moby.example", DisplayName: "Bob"},
	}
	audit := []client.AuditLog{
		{Action: "team.member.add", Data: map[string]any{"team": "company", "member": "bob"}},
		{Action: "team.member.add", Data: map[string]any{"team": "developers", "member": "ada"}},
		{Action: "team.member.remove", Data: map[string]any{"team": "designers", "member": "ada"}},
		{Action: "team.member.add", Data: map[string]any{"team": "owners", "member": "someone-else"}},
	}
	got := fmt.Sprint(TeamsOf("moby", users, audit))
	if want := "[{company [bob@moby.example]} {developers [ada@moby.example]}]"; got != want {
		t.Fatalf("TeamsOf = %s, want %s", got, want)
	}
}
