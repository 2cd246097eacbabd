package steps

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestDockerFacts(t *testing.T) {
	d := Docker()
	n := 0
	for name, f := range d.all() {
		n++
		if f.Text == "" || f.Source == "" {
			t.Errorf("%s: text %q, source %q", name, f.Text, f.Source)
		}
	}
	if n < 25 {
		t.Fatalf("only %d Docker facts decoded", n)
	}
	if d.BaseURL.Text != PasteBaseURL || d.Token.Text != PasteToken {
		t.Errorf("docker.yaml names the values %q and %q, the Go constants %q and %q", d.BaseURL.Text, d.Token.Text, PasteBaseURL, PasteToken)
	}
	if DocsCommit() != "docker/docs 28381baab9c6" || !strings.Contains(DocsRevision(), "28381baab9c6") {
		t.Errorf("DocsRevision = %q, want the docker/docs commit", DocsRevision())
	}
	want := "**Docker Home** → **Identity & auth** → **SSO and SCIM** → **SSO connections** → **Actions** → **Enable SCIM** → **Enable** (the seed calls it **Actions** → **Setup SCIM**)"
	if got := EnableSCIMPath(); got != want {
		t.Errorf("EnableSCIMPath = %q\nwant %q", got, want)
	}
	if got := EditSCIMPath(); !strings.HasSuffix(got, "**Actions** → **Edit SCIM**") {
		t.Errorf("EditSCIMPath = %q", got)
	}
	if d.SSOConnections.WithSeed() != "**SSO connections** (the seed calls it **Single Sign-On Connections**)" {
		t.Errorf("WithSeed = %q", d.SSOConnections.WithSeed())
	}
	if d.EditSCIM.WithSeed() != d.EditSCIM.Text {
		t.Errorf("a fact without a seed wording must print as is: %q", d.EditSCIM.WithSeed())
	}
}

func TestDocsURL(t *testing.T) {
	for ref, want := range map[string]string{
		"security/provisioning/scim/_index.md":                              "https://docs.docker.com/security/provisioning/scim/",
		"security/provisioning/scim/provision-scim.md#disable-scim":         "https://docs.docker.com/security/provisioning/scim/provision-scim/#disable-scim",
		"security/authentication/single-sign-on/connect.md#enforce-sso":     "https://docs.docker.com/security/authentication/single-sign-on/connect/#enforce-sso",
		"security/provisioning/_index.md":                                   "https://docs.docker.com/security/provisioning/",
		"seed":                                                              "",
		"_external/entra-docs/docs/identity/app-provisioning/x.md#settings": "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/x#settings",
	} {
		if got := DocsURL(ref); got != want {
			t.Errorf("DocsURL(%q) = %q, want %q", ref, got, want)
		}
	}
	if EnforceSSODocs != "https://docs.docker.com/security/authentication/single-sign-on/connect/#enforce-sso" {
		t.Errorf("EnforceSSODocs = %q", EnforceSSODocs)
	}
}

// referenceDir finds shared/reference/docker-docs next to the worktree, or
// in $DOCKER_SCIM_REFERENCE; "" when it is not there (a clean clone).
func referenceDir() string {
	for _, d := range []string{os.Getenv("DOCKER_SCIM_REFERENCE"), "../../shared/reference/docker-docs", "../shared/reference/docker-docs"} {
		if d == "" {
			continue
		}
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return ""
}

var headingRE = regexp.MustCompile(`(?m)^#{1,6} +(.+?)(?: +\{#([a-z0-9-]+)\})? *$`)

// anchors returns the section anchors of a Markdown page, slugged the way
// Hugo does by default.
func anchors(page string) map[string]bool {
	out := map[string]bool{}
	for _, m := range headingRE.FindAllStringSubmatch(page, -1) {
		if m[2] != "" {
			out[m[2]] = true
		}
		var b strings.Builder
		for _, r := range strings.ToLower(m[1]) {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
				b.WriteRune(r)
			case r == ' ':
				b.WriteRune('-')
			}
		}
		out[b.String()] = true
	}
	return out
}

// TestSourcesExistInReference checks every cited page and section against
// the reference copies, when they are present (they are not committed).
func TestSourcesExistInReference(t *testing.T) {
	dir := referenceDir()
	if dir == "" {
		t.Skip("shared/reference/docker-docs is not next to this clone; set DOCKER_SCIM_REFERENCE to check the sources")
	}
	var refs []string
	for name, f := range Docker().all() {
		if f.Source != SourceSeedRef {
			refs = append(refs, name+"="+f.Source)
		}
	}
	for _, p := range IdPs() {
		for _, ct := range p.ConnectionTypes() {
			c, _ := ChecklistFor(p, ct)
			for _, it := range c.Items {
				if isPageRef(it.Ref) {
					refs = append(refs, it.ID+"="+it.Ref)
				}
			}
		}
	}
	cache := map[string]map[string]bool{}
	for _, r := range refs {
		who, ref, _ := strings.Cut(r, "=")
		page, section, _ := strings.Cut(ref, "#")
		if _, ok := cache[page]; !ok {
			b, err := os.ReadFile(filepath.Join(dir, page))
			if err != nil {
				t.Errorf("%s cites %s, which is not in the reference folder: %v", who, page, err)
				cache[page] = nil
				continue
			}
			cache[page] = anchors(string(b))
		}
		if cache[page] != nil && !cache[page][section] {
			t.Errorf("%s cites %s#%s, but the page has no such section", who, page, section)
		}
	}
}
