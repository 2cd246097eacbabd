package steps

import (
	"strings"
	"testing"
)

func TestValidateGroupName(t *testing.T) {
	teams := []string{"developers", "Ops"}
	tests := []struct {
		org, name             string
		ok, exists, created   bool
		wantMsg, wantFix, war string
	}{
		{org: "moby", name: "moby:developers", ok: true, exists: true, wantMsg: "existing team"},
		{org: "moby", name: "moby:qa", ok: true, created: true, wantMsg: "will create it"},
		{org: "Moby", name: "moby:qa", ok: true, created: true, wantMsg: "will create it"},
		{org: "moby", name: "moby:ops", ok: true, created: true, war: `team named "Ops" exists`, wantFix: "moby:Ops"},
		{org: "moby", name: "moby:Ops", ok: true, exists: true},
		{org: "moby", name: "developers", wantMsg: "no colon", wantFix: "moby:developers"},
		{org: "moby", name: "moby:dev:ops", wantMsg: "2 colons", wantFix: "moby:developers"},
		{org: "moby", name: "docker:developers", wantMsg: `not the chosen organization "moby"`, wantFix: "moby:developers"},
		{org: "moby", name: "Moby:developers", wantMsg: "not lowercase", wantFix: "moby:developers"},
		{org: "moby", name: ":developers", wantMsg: "no organization", wantFix: "moby:developers"},
		{org: "moby", name: "moby:", wantMsg: "no team", wantFix: "moby:developers"},
		{org: "moby", name: " moby:developers", wantMsg: "spaces", wantFix: `"moby:developers"`},
		{org: "moby", name: "moby: developers", wantMsg: "spaces", wantFix: "moby:developers"},
		{org: "moby", name: "moby:dev/ops", wantMsg: `"/"`, wantFix: "moby:dev-ops"},
		{org: "moby", name: "moby:dev\tops", wantMsg: "control character"},
		{org: "", name: "moby:developers", wantMsg: "no Docker organization", wantFix: "choose the organization"},
		{org: "moby", name: "", wantMsg: "no colon", wantFix: "moby:developers"},
	}
	for _, tt := range tests {
		t.Run(tt.org+"/"+tt.name, func(t *testing.T) {
			r := ValidateGroupName(tt.org, tt.name, teams)
			if r.OK != tt.ok || r.TeamExists != tt.exists || r.WillBeCreated != tt.created {
				t.Fatalf("got OK=%v exists=%v created=%v (%s), want %v %v %v", r.OK, r.TeamExists, r.WillBeCreated, r.Message, tt.ok, tt.exists, tt.created)
			}
			if !strings.Contains(r.Message, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", r.Message, tt.wantMsg)
			}
			if !strings.Contains(r.Fix, tt.wantFix) {
				t.Errorf("fix %q does not contain %q", r.Fix, tt.wantFix)
			}
			if !strings.Contains(r.Warning, tt.war) {
				t.Errorf("warning %q does not contain %q", r.Warning, tt.war)
			}
		})
	}
}

// FuzzValidateGroupName checks the result's invariants on any input.
func FuzzValidateGroupName(f *testing.F) {
	for _, s := range []string{"moby:developers", "moby:", ":x", "a:b:c", "MOBY:x", " moby:x", "moby:a/b", "moby:é"} {
		f.Add("moby", s, "developers")
	}
	f.Fuzz(func(t *testing.T, org, name, team string) {
		r := ValidateGroupName(org, name, []string{team})
		if r.Name != name || r.Message == "" {
			t.Fatalf("result does not echo the name or has no message: %+v", r)
		}
		if !r.OK {
			if r.Fix == "" || r.TeamExists || r.WillBeCreated {
				t.Fatalf("a rejected name needs a fix and no team verdict: %+v", r)
			}
			return
		}
		if strings.Count(name, ":") != 1 || r.Org+":"+r.Team != name {
			t.Fatalf("accepted %q without exactly one colon splitting it: %+v", name, r)
		}
		if r.Org != strings.ToLower(strings.TrimSpace(org)) || r.Org == "" || r.Team == "" {
			t.Fatalf("accepted %q for org %q: %+v", name, org, r)
		}
		if r.TeamExists == r.WillBeCreated || r.TeamExists != (r.Team == team) {
			t.Fatalf("team verdict wrong for %q with team %q: %+v", name, team, r)
		}
		if (r.Warning == "") != (r.Fix == "") {
			t.Fatalf("a warning comes with a fix and only then: %+v", r)
		}
	})
}

// TestValidateGroupNameForSeveralOrgs: a company's connection can serve
// several organizations; a group may name any of them, and a wrong org
// part is told which ones the connection serves.
func TestValidateGroupNameForSeveralOrgs(t *testing.T) {
	g := GroupOrgs{Orgs: []string{"moby", "whale", "MOBY", "orca"}, Teams: map[string][]string{"moby": {"developers"}, "whale": {"desktop"}}}
	for _, tt := range []struct {
		name, want string
		ok         bool
	}{
		{"moby:developers", `maps to the existing team "developers" in moby`, true},
		{"whale:desktop", `maps to the existing team "desktop" in whale`, true},
		{"whale:backend", `team "backend" does not exist in whale yet`, true},
		{"orca:x", `maps to team "x" in orca (its teams cannot be read here`, true},
		{"acme:backend", `not one of the organizations this connection serves (moby, whale, orca)`, false},
		{"Whale:backend", "not lowercase", false},
	} {
		r := ValidateGroupNameFor(g, tt.name)
		if r.OK != tt.ok || !strings.Contains(r.Message, tt.want) {
			t.Errorf("%s: OK %v, %q; want %v and %q", tt.name, r.OK, r.Message, tt.ok, tt.want)
		}
	}
	if r := ValidateGroupNameFor(g, "acme:backend"); !strings.Contains(r.Fix, "moby, whale, orca") {
		t.Errorf("fix %q does not name the served organizations", r.Fix)
	}
	// One org: the message names the chosen org, as before.
	if r := ValidateGroupName("moby", "whale:desktop", nil); r.OK || !strings.Contains(r.Message, `not the chosen organization "moby"`) {
		t.Errorf("single org: %+v", r)
	}
}
