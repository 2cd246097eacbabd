package steps

import (
	"slices"
	"strings"
	"testing"
)

// summary renders findings as "severity:title" for table comparisons.
func summary(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity.String()+":"+f.Title)
		if f.Severity != Info && f.Fix == "" {
			out = append(out, "MISSING FIX")
		}
	}
	return out
}

func TestJITPreflight(t *testing.T) {
	tests := []struct {
		name       string
		jit, scim  bool
		wantTitle  string
		wantInText []string
	}{
		{"jit on", true, false, "warning:JIT provisioning is on: with SCIM, full names and team membership can flip",
			[]string{"Roles do not flip", "removes only that team", "deactivates", "**Disable JIT provisioning**", "only while SCIM is on"}},
		{"jit off before SCIM", false, false, "info:JIT provisioning is off", []string{"only while SCIM is on", "**Edit SCIM**"}},
		{"jit off with SCIM", false, true, "info:JIT provisioning is off: SCIM is the only provisioning source",
			[]string{"**Enable JIT provisioning**"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := JITPreflight(tt.jit, tt.scim)
			if s := summary(got); !slices.Equal(s, []string{tt.wantTitle}) {
				t.Fatalf("findings = %q, want %q", s, tt.wantTitle)
			}
			text := got[0].Detail + " " + got[0].Fix
			for _, w := range tt.wantInText {
				if !strings.Contains(text, w) {
					t.Errorf("finding lacks %q: %s", w, text)
				}
			}
		})
	}
}

// TestMigrationNeverRemovesInBulk: Docker's current migration links members;
// removal appears only as the last resort for one unlinked account, with the
// ownership warning.
func TestMigrationNeverRemovesInBulk(t *testing.T) {
	steps := strings.Join(MigrationSteps(), "\n")
	for _, want := range []string{"assign every user", "exactly the email", "Provision on Demand", "**Members** in **Docker Home**",
		"**Export members**", "**Identity & auth**", "**Disable JIT provisioning**", "only while SCIM is on"} {
		if !strings.Contains(steps, want) {
			t.Errorf("migration steps lack %q", want)
		}
	}
	for _, bad := range []string{"emove", "batches", "Admin Console"} {
		if strings.Contains(steps, bad) {
			t.Errorf("migration steps contain %q:\n%s", bad, steps)
		}
	}
	unlinked := UnlinkedSteps()
	last := unlinked[len(unlinked)-1]
	for i, s := range unlinked {
		if strings.Contains(s, "remove") != (i == len(unlinked)-1) {
			t.Errorf("only the last unlinked step may remove a member; step %d: %q", i+1, s)
		}
	}
	for _, want := range []string{"Last resort", "repositories", "transfer", "owner", "**Remove**"} {
		if !strings.Contains(last, want) {
			t.Errorf("the removal step lacks %q: %q", want, last)
		}
	}
}

func TestPlanMembers(t *testing.T) {
	members := []OrgMember{
		{Username: "admin1", Email: "admin@moby.example"},
		{Username: "jit1", Email: "jit@moby.example"},
		{Username: "hand1", Email: "Hand@MOBY.example"},
		{Username: "guest1", Email: "guest@gmail.example", Guest: true},
		{Username: "other1", Email: "x@other.example"},
		{Username: "noemail"},
		{Username: "jit1", Email: "jit@moby.example"},
	}
	p := PlanMembers(members, []string{"moby.example"}, true, "ADMIN1")
	if want := []string{"Hand@MOBY.example", "admin@moby.example", "jit@moby.example"}; !slices.Equal(p.Link, want) {
		t.Errorf("Link = %q, want %q", p.Link, want)
	}
	if want := []string{"guest@gmail.example", "x@other.example"}; !slices.Equal(p.Outside, want) {
		t.Errorf("Outside = %q, want %q", p.Outside, want)
	}
	if !slices.Equal(p.NoEmail, []string{"noemail"}) || p.Admin != "admin@moby.example" {
		t.Errorf("NoEmail = %q, Admin = %q", p.NoEmail, p.Admin)
	}
	// Domains unknown (real Docker): every non-guest with an email may link.
	if u := PlanMembers(members, nil, false, ""); !slices.Contains(u.Link, "x@other.example") || slices.Contains(u.Link, "guest@gmail.example") {
		t.Errorf("unknown domains: Link = %q", u.Link)
	}

	fs := MembersPreflight(p)
	if got, want := summary(fs), []string{
		"info:3 members will be linked to SCIM, not re-created",
		"info:2 members stay outside SCIM (guests or unverified domains)",
		"info:1 member shows no email",
	}; !slices.Equal(got, want) {
		t.Fatalf("findings = %q, want %q", got, want)
	}
	if !strings.Contains(fs[0].Detail, "admin@moby.example (you)") || !strings.Contains(fs[0].Fix, "Nobody needs to be removed") {
		t.Errorf("link finding: %+v", fs[0])
	}
	// Nobody, least of all the admin, is listed to be removed.
	for _, f := range fs {
		if strings.Contains(f.Title, "emove") || strings.Contains(f.Fix, "remove each") {
			t.Errorf("a finding asks to remove members: %+v", f)
		}
	}
	if fs := MembersPreflight(PlanMembers(nil, nil, false, "")); len(fs) != 0 {
		t.Errorf("no members, findings %+v", fs)
	}
	if d := MembersPreflight(PlanMembers(members[:2], nil, false, ""))[0].Detail; !strings.Contains(d, "cannot read the connection's domains") {
		t.Errorf("unknown domains must be said: %q", d)
	}
}

func TestPrerequisites(t *testing.T) {
	ready := Prereqs{Plan: "Business", HasSSOConnection: true, VerifiedDomains: []string{"example.com"}, SSOEnforced: true}
	tests := []struct {
		name    string
		edit    func(*Prereqs)
		want    []string
		blocked bool
	}{
		{"ready", func(*Prereqs) {}, nil, false},
		{"sso not enforced", func(p *Prereqs) { p.SSOEnforced = false }, []string{"info:SSO is not enforced"}, false},
		{"team plan", func(p *Prereqs) { p.Plan = "team" }, []string{"blocker:SCIM needs Docker Business"}, true},
		{"plan unknown", func(p *Prereqs) { p.Plan = "" }, []string{"warning:Subscription not known"}, false},
		{"no domain", func(p *Prereqs) { p.VerifiedDomains = nil }, []string{"blocker:No verified domain"}, true},
		{"no connection", func(p *Prereqs) { p.HasSSOConnection = false }, []string{"blocker:No SSO connection"}, true},
		{"nothing", func(p *Prereqs) { *p = Prereqs{Plan: "pro"} },
			[]string{"blocker:SCIM needs Docker Business", "blocker:No verified domain", "blocker:No SSO connection", "info:SSO is not enforced"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ready
			tt.edit(&p)
			got := Prerequisites(p)
			if s := summary(got); !slices.Equal(s, tt.want) {
				t.Fatalf("findings = %q, want %q", s, tt.want)
			}
			if Blocked(got) != tt.blocked {
				t.Errorf("Blocked = %v, want %v", Blocked(got), tt.blocked)
			}
		})
	}
}

func TestPrerequisitesUnknownDomains(t *testing.T) {
	titles := func(fs []Finding) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Severity.String()+": "+f.Title)
		}
		return strings.Join(out, "; ")
	}
	// Real Docker: domains cannot be read, but an SSO connection exists, and
	// Docker creates one only for a verified domain: no domain finding.
	got := titles(Prerequisites(Prereqs{Plan: "business", HasSSOConnection: true, DomainsUnknown: true, SSOEnforced: true}))
	if got != "" {
		t.Fatalf("unknown domains with a connection: %s", got)
	}
	got = titles(Prerequisites(Prereqs{Plan: "business", DomainsUnknown: true, HasSSOConnection: false, SSOEnforced: true}))
	if !strings.Contains(got, "warning: Verified domains not known") || strings.Contains(got, "No verified domain") {
		t.Fatalf("unknown domains without a connection: %s", got)
	}
}

// TestSeverityRoundTrips: a severity reads back as it is written (saved
// progress keeps findings); an unknown one is an error.
func TestSeverityRoundTrips(t *testing.T) {
	for _, s := range []Severity{Info, Warning, Blocker} {
		raw, _ := s.MarshalText()
		var back Severity
		if err := back.UnmarshalText(raw); err != nil || back != s {
			t.Fatalf("%s read back as %s (%v)", s, back, err)
		}
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Fatal("unknown severity accepted")
	}
}
