package flow

import (
	"context"
	"errors"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
)

// EntraGraph is how a run reaches Microsoft Graph to do the Entra ID
// checklist for the admin ("Configure Entra for me").
type EntraGraph struct {
	// URL is the Graph v1.0 endpoint (entra.GraphURL, or the sandbox's
	// stand-in).
	URL string
	// SignIn returns a Graph access token; it is called once per run of
	// ConfigureEntra and the token is kept in memory only. A device code
	// sign-in hands its code to show for the admin.
	SignIn func(ctx context.Context, show func(entra.DeviceCodePrompt)) (client.Secret, error)
	// AppName is the enterprise app's display name; "" means "Docker" for a
	// SAML connection and a new non-gallery "Docker SCIM" app for OIDC.
	AppName string
	// TestUser is the userPrincipalName provisioned on demand ("" skips).
	TestUser string
}

// EntraSettings are the settings that configure Entra ID for conn with
// the SCIM credentials creds of organization org. An Azure AD (OIDC)
// connection gets its own non-gallery app, as Docker's docs ask.
func EntraSettings(org string, conn client.Connection, creds client.SCIMCredentials, g EntraGraph) entra.Settings {
	s := entra.Settings{AppName: g.AppName, SCIMBaseURL: creds.BaseURL, SCIMToken: creds.Token, Org: org, TestUser: g.TestUser}
	if conn.Type == client.AzureOIDC {
		s.CreateApp = true
		if s.AppName == "" {
			s.AppName = "Docker SCIM"
		}
	}
	if s.AppName == "" {
		s.AppName = "Docker"
	}
	return s
}

// ConfigureEntra signs in to Graph (a device code goes to show) and runs
// entra.Configure with s, reporting each step (whose id is the manual
// checklist item it does). Running it again after a failure resumes.
func ConfigureEntra(ctx context.Context, g EntraGraph, s entra.Settings, show func(entra.DeviceCodePrompt), report func(entra.Progress)) (entra.Outcome, error) {
	if g.SignIn == nil {
		return entra.Outcome{}, errors.New("no Microsoft Graph sign-in is configured")
	}
	tok, err := g.SignIn(ctx, show)
	if err != nil {
		return entra.Outcome{}, err
	}
	c, err := entra.New(g.URL, tok)
	if err != nil {
		return entra.Outcome{}, err
	}
	return entra.Configure(ctx, c, s, report)
}
