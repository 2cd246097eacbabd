package flow

import (
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// TestNextWalksTheFlowInOrder: with everything at hand, Next is the order
// of steps.Flow(), ending with "".
func TestNextWalksTheFlowInOrder(t *testing.T) {
	r := Run{Conn: client.Connection{Name: "Okta SAML"}, IdP: steps.Okta,
		Creds: client.SCIMCredentials{BaseURL: "https://hub.docker.com/v2/scim/2.0", Token: client.NewSecret("t")}}
	var got []steps.StepID
	for s := steps.StepConnection; s != ""; s = r.Next(s) {
		got = append(got, s)
	}
	var want []steps.StepID
	for _, s := range steps.Flow() {
		want = append(want, s.ID)
	}
	if len(got) != len(want) {
		t.Fatalf("walked %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("walked %v, want %v", got, want)
		}
	}
}

// TestNextAsksForTheTokenBeforeReadingBack: a resumed run has no token
// (it is never saved): after the checklist it goes to Setup SCIM, verifies
// the new token, then comes back to the read-back, keeping the setup time.
func TestNextAsksForTheTokenBeforeReadingBack(t *testing.T) {
	setupAt := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := Run{Conn: client.Connection{Name: "Okta SAML"}, IdP: steps.Okta, SetupAt: setupAt,
		Creds: client.SCIMCredentials{BaseURL: "https://hub.docker.com/v2/scim/2.0"}}
	if next := r.Next(steps.StepChecklist); next != steps.StepSetupSCIM {
		t.Fatalf("after the checklist without a token: %s, want %s", next, steps.StepSetupSCIM)
	}
	r.RecordCredentials(client.SCIMCredentials{BaseURL: r.Creds.BaseURL, Token: client.NewSecret("t")}, setupAt.Add(time.Hour))
	if !r.SetupAt.Equal(setupAt) {
		t.Fatalf("setup time moved to %v: users provisioned before would be missed", r.SetupAt)
	}
	if next := r.Next(steps.StepSetupSCIM); next != steps.StepVerify {
		t.Fatalf("after Setup SCIM: %s", next)
	}
	if next := r.Next(steps.StepVerify); next != steps.StepReadBack {
		t.Fatalf("after verify: %s, want the waiting read-back", next)
	}
	if next := r.Next(steps.StepVerify); next != steps.StepCredentials {
		t.Fatalf("the detour is over; after verify: %s", next)
	}
}

// TestBackCancelsTheDetour: going back to the checklist from the token
// detour makes the flow the normal one again.
func TestBackCancelsTheDetour(t *testing.T) {
	r := Run{Conn: client.Connection{Name: "c"}, IdP: steps.Okta}
	_ = r.Next(steps.StepChecklist)
	r.Back(steps.StepSetupSCIM) // not the step that found the token missing
	if r.Waiting() != steps.StepReadBack {
		t.Fatal("going back inside the detour cancelled it")
	}
	r.Back(steps.StepChecklist)
	if r.Waiting() != "" {
		t.Fatal("going back to the checklist kept the detour")
	}
	r.RecordCredentials(client.SCIMCredentials{BaseURL: "https://x.example/v2/scim/2.0", Token: client.NewSecret("t")}, time.Now())
	if next := r.Next(steps.StepVerify); next != steps.StepCredentials {
		t.Fatalf("after verify: %s", next)
	}
}

// TestNextNeedsTheIdPForTheChecklist: without an IdP the checklist cannot
// be shown; the flow goes to the IdP step.
func TestNextNeedsTheIdPForTheChecklist(t *testing.T) {
	r := Run{Conn: client.Connection{Name: "c"}}
	if next := r.Next(steps.StepIdP); next != steps.StepIdP {
		t.Fatalf("after the IdP step with no IdP: %s", next)
	}
}

// TestChooseConnectionDropsOtherCredentials: credentials belong to one
// connection.
func TestChooseConnectionDropsOtherCredentials(t *testing.T) {
	var r Run
	r.ChooseConnection(client.Connection{ID: "a", Name: "A", IdP: "okta"})
	r.RecordCredentials(client.SCIMCredentials{BaseURL: "https://x.example/v2/scim/2.0", Token: client.NewSecret("t")}, time.Now())
	r.ChooseConnection(client.Connection{ID: "a", Name: "A"})
	if r.Creds.Token.IsZero() || !r.Conn.SCIMEnabled || r.IdP != steps.Okta {
		t.Fatalf("the same connection lost its state: %+v", r)
	}
	r.ChooseConnection(client.Connection{ID: "b", Name: "B", IdP: "entra"})
	if !r.Creds.Token.IsZero() || !r.SetupAt.IsZero() || r.Conn.SCIMEnabled || r.IdP != steps.Entra {
		t.Fatalf("another connection kept the old credentials: %+v", r)
	}
}

// TestRunKeepsThePreflightFacts: the run keeps the org the connection list
// read, the facts the preflight read and the admin's JIT answer; the
// findings follow from them, and choosing another connection drops what
// was about the old one.
func TestRunKeepsThePreflightFacts(t *testing.T) {
	docker := Docker("moby", nil)
	var r Run
	r.ChooseConnection(client.Connection{Name: "Okta prod", Type: client.SAML})
	r.RecordOrg(client.OrgInfo{Plan: "business"})
	if !r.JIT(docker) || r.PreflightFindings(docker) != nil {
		t.Fatalf("before the preflight: JIT %v (want Docker's default, on), findings %v", r.JIT(docker), r.PreflightFindings(docker))
	}
	off := false
	r.RecordPreflight(docker, Facts{Org: *r.Org, OrgKnown: true}, &off)
	if r.JIT(docker) || r.Facts == nil || r.Facts.Org.Plan != "business" {
		t.Fatalf("after the preflight: JIT %v, facts %+v", r.JIT(docker), r.Facts)
	}
	titles := ""
	for _, f := range r.Findings {
		titles += f.Title + "; "
	}
	if !strings.Contains(titles, "JIT provisioning is off") || strings.Contains(titles, "Subscription not known") {
		t.Fatalf("findings do not follow the facts and the answer: %s", titles)
	}
	r.ChooseConnection(client.Connection{Name: "Entra prod", Type: client.SAML})
	if r.Facts != nil || r.JITSaid != nil || r.Findings != nil || r.Org == nil {
		t.Fatalf("another connection kept the old one's answers (or lost the org): %+v", r)
	}
}

// TestResultHasThePreflightFacts: the run's result says what the preflight
// learnt, and where the JIT setting came from.
func TestResultHasThePreflightFacts(t *testing.T) {
	docker := Docker("moby", nil)
	var r Run
	r.ChooseConnection(client.Connection{Name: "Okta prod", Type: client.SAML})
	if NewResult(docker, &r, false).Preflight != nil {
		t.Fatal("a preflight in the result before it ran")
	}
	r.RecordPreflight(docker, Facts{}, nil)
	if p := NewResult(docker, &r, false).Preflight; p == nil || !p.JIT || p.JITFrom != "default" || p.Plan != "" || p.Members != nil {
		t.Fatalf("real Docker, nothing known or said: %+v", p)
	}
	off := false
	org := client.OrgInfo{Plan: "business", Domains: []client.Domain{{Name: "moby.example", Verified: true}, {Name: "moby.test"}}}
	r.RecordPreflight(docker, Facts{Org: org, OrgKnown: true, Members: []client.Member{{Email: "a@moby.example"}, {Username: "b"}}}, &off)
	p := NewResult(docker, &r, false).Preflight
	if p == nil || p.JIT || p.JITFrom != "admin" || p.Plan != "business" || strings.Join(p.VerifiedDomains, ",") != "moby.example" || p.Members == nil || *p.Members != 2 {
		t.Fatalf("facts and the admin's answer: %+v", p)
	}
	sandbox := &Env{Org: "moby", Console: client.SandboxConsole{}}
	r.Conn.JIT = true
	if p := NewResult(sandbox, &r, false).Preflight; !p.JIT || p.JITFrom != "docker" {
		t.Fatalf("where Docker's setting is read, it wins over an old answer: %+v", p)
	}
}
