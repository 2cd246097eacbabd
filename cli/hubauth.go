package cli

import (
	"fmt"
	"github.com/docker-scim/docker-scim/steps"
	"strings"

	"github.com/docker/cli/cli/config"

	"github.com/docker-scim/docker-scim/client"
)

// dockerHubAuthKey is where `docker login` keeps the Docker Hub credentials
// in config.json and credential helpers.
const dockerHubAuthKey = "https://index.docker.io/v1/"

// tokenKind tells apart the Docker Hub secrets an admin may hold.
type tokenKind int

const (
	// tokenOther is a password or a sign-in token from `docker login`'s web flow.
	tokenOther tokenKind = iota
	// tokenPAT is a personal access token (dckr_pat_…).
	tokenPAT
	// tokenOAT is an organization access token (dckr_oat_…).
	tokenOAT
)

// kindOfToken classifies secret by Docker's token prefixes.
func kindOfToken(secret client.Secret) tokenKind {
	switch v := secret.Value(); {
	case strings.HasPrefix(v, "dckr_pat_"):
		return tokenPAT
	case strings.HasPrefix(v, "dckr_oat_"):
		return tokenOAT
	}
	return tokenOther
}

// hubCredential is what the wizard signs in to Docker Hub with.
type hubCredential struct {
	// Identifier is the username (PAT, password) or organization (OAT).
	Identifier string
	Secret     client.Secret
	// Source says where the credential came from, for messages.
	Source string
}

// Kind classifies the credential's secret.
func (c hubCredential) Kind() tokenKind { return kindOfToken(c.Secret) }

// orgAdvice explains, when the credential cannot administer org, what to
// create instead; it returns "" when the credential is an organization
// access token.
func (c hubCredential) orgAdvice(org string) string {
	var what string
	switch c.Kind() {
	case tokenOAT:
		return ""
	case tokenPAT:
		what = "is a personal access token; Docker refuses personal access tokens on organization endpoints " +
			`(403 "token issued from personal access token is not allowed")`
	default:
		what = "is a password or sign-in token, which stops working once the organization enforces SSO"
	}
	target := "the organization"
	if org != "" {
		target = org
	}
	return fmt.Sprintf("The Docker Hub credential from %s (user %s) %s. Create an organization access token for %s "+
		"("+steps.Plain(steps.Docker().AccessTokens.Text)+", scopes scope-member-read, scope-group-read and scope-activity-read) "+
		"and pass it with --hub-token-stdin or DOCKER_SCIM_HUB_TOKEN.", c.Source, c.Identifier, what, target)
}

// dockerLoginCredential reads the Docker Hub credentials that `docker login`
// stored, from $DOCKER_CONFIG or ~/.docker/config.json, running the
// configured credential helper or store. ok is false when there are none.
func dockerLoginCredential() (cred hubCredential, ok bool, err error) {
	dir := config.Dir()
	cf, err := config.Load(dir)
	if err != nil {
		return hubCredential{}, false, fmt.Errorf("read the docker CLI configuration in %s: %w; fix or move the file, or pass the token with --hub-token-stdin", dir, err)
	}
	auth, err := cf.GetAuthConfig("docker.io")
	if err != nil {
		return hubCredential{}, false, fmt.Errorf("read the docker login credentials for Docker Hub from %s: %w; run `docker login` again or pass the token with --hub-token-stdin", cf.Filename, err)
	}
	secret := auth.Password
	if secret == "" {
		secret = auth.IdentityToken
	}
	if auth.Username == "" || secret == "" {
		return hubCredential{}, false, nil
	}
	source := "docker login (" + cf.Filename + ")"
	if helper := cf.CredentialHelpers[dockerHubAuthKey]; helper != "" {
		source = "docker login (credential helper docker-credential-" + helper + ")"
	} else if cf.CredentialsStore != "" {
		source = "docker login (credential store docker-credential-" + cf.CredentialsStore + ")"
	}
	return hubCredential{Identifier: auth.Username, Secret: client.NewSecret(secret), Source: source}, true, nil
}
