package e2e

import (
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/steps"
)

// TestConfigureEntraForMe takes an Entra ID connection of the sandbox from
// "SCIM off" to "test user provisioned and seen in Docker" with real keys
// and no value copied: Setup SCIM, straight past the credentials (nothing
// copied or revealed), then g on the checklist does the Entra side through
// the sandbox's Microsoft Graph stand-in, and the read-back shows the user
// Entra provisioned on demand.
func TestConfigureEntraForMe(t *testing.T) {
	for _, connection := range []string{"Entra ID SAML", "Entra ID OIDC"} {
		t.Run(strings.ReplaceAll(connection, " ", "_"), func(t *testing.T) {
			t.Parallel()
			r := startSandbox(t, 100, 30, connection, steps.Entra.Label())
			r.walkTo(steps.StepCredentials)
			r.tm.waitText("enter continue")
			r.tm.keys("Enter") // no copy: Graph takes the values from the wizard
			r.tm.waitFor("the step after the credentials", func(s string) bool {
				return stepTitle(s) != steps.Title(steps.StepCredentials)
			})
			r.walkTo(steps.StepChecklist)
			r.tm.waitText("g configure Entra for me")
			r.tm.keys("g")
			s := r.tm.waitText("Done through Microsoft Graph")
			if !strings.Contains(s, "[x] 1.") {
				t.Fatalf("the first item is not ticked after the run:\n%s", s)
			}
			r.tm.keys("Enter")
			r.tm.waitText("✓ ada.lovelace@moby.example")
			r.tm.keys("Enter")
			r.tm.waitText(steps.Title(steps.StepDone))
			r.finish()
			r.tm.assertRestored()
			if buf, err := r.tm.exec("show-buffer"); err == nil {
				t.Fatalf("something was copied to the clipboard (%d bytes): no value should be", len(buf))
			}
		})
	}
}
