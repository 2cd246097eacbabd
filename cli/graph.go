package cli

import (
	"context"
	"os"
	"os/exec"
	"strings"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
)

// sandboxGraph reaches the sandbox's Microsoft Graph stand-in at url,
// signing in with its device code flow (which approves itself) and
// provisioning its seeded test user on demand.
func sandboxGraph(url string) flow.EntraGraph {
	return flow.EntraGraph{
		URL:      url + sandbox.GraphPrefix,
		TestUser: "ada.lovelace@moby.example",
		SignIn: func(ctx context.Context) (client.Secret, error) {
			return entra.DeviceCodeSignIn(ctx, nil, url+sandbox.LoginPrefix, "organizations", sandboxClientID, func(entra.DeviceCodePrompt) {})
		},
	}
}

// realGraph reaches Microsoft Graph for the wizard's "Configure Entra for
// me" when a sign-in needs no question: a token in DOCKER_SCIM_GRAPH_TOKEN,
// or the Azure CLI. It returns nil otherwise (the device code flow needs a
// client id: use `docker-scim entra configure --client-id`).
func realGraph() *flow.EntraGraph {
	tok := client.NewSecret(strings.TrimSpace(os.Getenv(envGraphToken)))
	if _, err := exec.LookPath("az"); tok.IsZero() && err != nil {
		return nil
	}
	return &flow.EntraGraph{URL: entra.GraphURL, SignIn: func(ctx context.Context) (client.Secret, error) {
		if !tok.IsZero() {
			return tok, nil
		}
		return entra.AzureCLIToken(ctx)
	}}
}
