package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/steps"
)

func TestExportRunbook(t *testing.T) {
	cfg := testConfig(seededConsole(), nil)
	cfg.ExportDir = t.TempDir()
	d := newDriver(t, cfg, 100, 40)
	d.enterUntil(steps.StepChecklist)
	d.press("space", "e")
	notice := d.m.notice
	if !strings.HasPrefix(notice, "Runbook written to "+cfg.ExportDir) {
		t.Fatalf("notice = %q", notice)
	}
	path := strings.TrimSuffix(strings.TrimPrefix(notice, "Runbook written to "), " (it never contains the API Token).")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("runbook mode %v, want 0600 (findings can name members)", fi.Mode().Perm())
	}
	md := string(raw)
	if strings.Contains(md, fakeToken) {
		t.Fatal("the runbook contains the API Token")
	}
	okta, _ := steps.ChecklistFor(steps.Okta, steps.SAML)
	for _, want := range []string{"moby", "Okta SAML", "https://hub.docker.com/v2/scim/2.0", "[x]", okta.Items[0].Title} {
		if !strings.Contains(md, want) {
			t.Errorf("runbook lacks %q", want)
		}
	}
	// A second export in the same second gets its own file.
	d.press("e")
	if want := strings.TrimSuffix(path, ".md") + "-2.md"; !strings.Contains(d.m.notice, want) {
		t.Fatalf("second export in the same second: %q, want %s", d.m.notice, want)
	}
}
