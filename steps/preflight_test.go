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
		name    string
		jit     bool
		members []string
		want    []string
	}{
		{"jit on, clean", true, nil, []string{"warning:JIT provisioning is on: JIT values overwrite SCIM values"}},
		{"jit off, clean", false, nil, []string{"info:JIT provisioning is off"}},
		{"jit off, legacy members", false, []string{"bob", "alice", "bob", ""},
			[]string{"info:JIT provisioning is off", "warning:2 member(s) were not created by SCIM and will not be managed by it"}},
		{"jit on, legacy members", true, []string{"carol"},
			[]string{"warning:JIT provisioning is on: JIT values overwrite SCIM values", "warning:1 member(s) were not created by SCIM and will not be managed by it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := JITPreflight(tt.jit, tt.members)
			if s := summary(got); !slices.Equal(s, tt.want) {
				t.Fatalf("findings = %q, want %q", s, tt.want)
			}
			for _, f := range got {
				if strings.Contains(f.Title, "not created by SCIM") {
					if !slices.Equal(f.Steps, MigrationSteps()) || !strings.Contains(f.Detail, "alice, bob") && len(tt.members) > 1 {
						t.Errorf("migration finding lacks the steps or the sorted members: %+v", f)
					}
				}
				if strings.Contains(f.Title, "JIT provisioning is on") && !strings.Contains(f.Fix, "**Disable JIT provisioning**") {
					t.Errorf("JIT warning must say how to disable JIT: %q", f.Fix)
				}
			}
		})
	}
	steps := strings.Join(MigrationSteps(), "\n")
	for _, want := range []string{"Transfer ownership", "**Export members**", "**Disable JIT provisioning**", "in batches", "de-provisioning"} {
		if !strings.Contains(steps, want) {
			t.Errorf("migration steps lack %q", want)
		}
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
