package e2e

import (
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/steps"
)

// TestMembersMigration walks the wizard on the sandbox to the read-back,
// opens the members screen and goes from "5 of 7 members not yet linked"
// to all linked with JIT off: the IdP simulator pushes the members left to
// link, the report refreshes, and JIT goes off through the console API.
func TestMembersMigration(t *testing.T) {
	t.Parallel()
	r := startSandbox(t, 100, 40, "Okta SAML", steps.Okta.Label())
	r.walkTo(steps.StepReadBack)
	r.tm.waitText("m members linked")
	r.tm.keys("m")
	s := r.tm.waitText("5 of 7 members not yet linked")
	if !strings.Contains(s, "alexkim") || !strings.Contains(s, "looks like akim@moby.example") {
		t.Errorf("the report does not show the suspected mismatch:\n%s", s)
	}
	r.tm.keys("a")
	r.tm.waitText("All 6 members that SCIM can manage are linked")
	r.tm.waitText("t turn JIT off")
	r.tm.keys("t")
	r.tm.waitText("JIT provisioning is off")
	r.tm.keys("Enter")
	s = r.tm.waitText("SCIM is set up")
	if advice := steps.DisableJITAdvice()[:40]; strings.Contains(strings.Join(strings.Fields(s), " "), advice) {
		t.Errorf("Done still advises disabling JIT after it was turned off:\n%s", s)
	}
	r.finish()
	r.assertClean()
}
