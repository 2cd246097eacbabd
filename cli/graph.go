package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
)

// Environment variables of the Microsoft Graph sign-in.
const (
	envGraphToken    = "DOCKER_SCIM_GRAPH_TOKEN"
	envGraphClientID = "DOCKER_SCIM_GRAPH_CLIENT_ID"
	envGraphTenant   = "DOCKER_SCIM_GRAPH_TENANT"
)

// sandboxClientID is the client id the sandbox's stand-in sign-in takes; it
// names no real app registration.
const sandboxClientID = "docker-scim-sandbox"

// graphLogin is how to sign in to Microsoft Graph, first that applies: a
// token (stdin or DOCKER_SCIM_GRAPH_TOKEN), the device code flow with the
// admin's own app registration, the Azure CLI.
type graphLogin struct {
	token                      client.Secret
	loginURL, tenant, clientID string
}

// usable reports whether any sign-in can work without a question.
func (l graphLogin) usable() bool {
	if !l.token.IsZero() || l.clientID != "" {
		return true
	}
	_, err := exec.LookPath("az")
	return err == nil
}

// signIn returns a Graph token; a device code goes to show.
func (l graphLogin) signIn(ctx context.Context, show func(entra.DeviceCodePrompt)) (client.Secret, error) {
	if !l.token.IsZero() {
		return l.token, nil
	}
	if l.clientID != "" {
		return entra.DeviceCodeSignIn(ctx, nil, l.loginURL, l.tenant, l.clientID, show)
	}
	tok, err := entra.AzureCLIToken(ctx)
	if errors.Is(err, entra.ErrNoAzureCLI) {
		return client.Secret{}, usagef("no Microsoft Graph sign-in: pipe a token with --graph-token-stdin (or set %s), give --client-id of your app registration for the device code sign-in, or install the Azure CLI and run az login", envGraphToken)
	}
	return tok, err
}

// sandboxGraph reaches the sandbox's Microsoft Graph stand-in at url,
// signing in with its device code flow (which approves itself) and
// provisioning its seeded test user on demand.
func sandboxGraph(url string) flow.EntraGraph {
	l := graphLogin{loginURL: url + sandbox.LoginPrefix, tenant: "organizations", clientID: sandboxClientID}
	return flow.EntraGraph{URL: url + sandbox.GraphPrefix, TestUser: "ada.lovelace@moby.example", SignIn: l.signIn}
}

// realGraph reaches Microsoft Graph for the wizard's "Configure Entra for
// me" when a sign-in is possible: DOCKER_SCIM_GRAPH_TOKEN, the device code
// flow with DOCKER_SCIM_GRAPH_CLIENT_ID (and DOCKER_SCIM_GRAPH_TENANT), or
// the Azure CLI. It returns nil otherwise.
func realGraph() *flow.EntraGraph {
	tenant := strings.TrimSpace(os.Getenv(envGraphTenant))
	if tenant == "" {
		tenant = "organizations"
	}
	l := graphLogin{
		token:    client.NewSecret(strings.TrimSpace(os.Getenv(envGraphToken))),
		loginURL: entra.LoginURL, tenant: tenant, clientID: strings.TrimSpace(os.Getenv(envGraphClientID)),
	}
	if !l.usable() {
		return nil
	}
	return &flow.EntraGraph{URL: entra.GraphURL, SignIn: l.signIn}
}
