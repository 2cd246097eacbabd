package cli

import (
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// TestClientHintsFollowDockerData: the client may not import steps, so its
// hints repeat a few Docker Home paths; they must equal steps' data, where
// each label lives with its source.
func TestClientHintsFollowDockerData(t *testing.T) {
	d := steps.Docker()
	for _, c := range []struct{ name, client, steps string }{
		{"SCIMValuesPath", client.SCIMValuesPath, steps.SCIMValuesAgain()},
		{"SSOAndSCIMPage", client.SSOAndSCIMPage, steps.SSOAndSCIMPage()},
		{"AccessTokensPage", client.AccessTokensPage, steps.Plain(d.AccessTokens.Text)},
		{"EnableJITAction", client.EnableJITAction, steps.Plain(d.EnableJIT.Text)},
	} {
		if c.client != c.steps {
			t.Errorf("client.%s = %q, but steps/data/docker.yaml says %q: update client/dockerui.go", c.name, c.client, c.steps)
		}
	}
}
