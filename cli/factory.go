package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
)

// Factory builds what the commands share, each in one way (gh's
// cmdutil.Factory): it reads every secret, starts the sandbox and signs in
// to Docker Hub.
type Factory struct {
	IO *IO
	// Version is the program's version.
	Version string
	// HubOptions configure the Docker Hub clients the factory makes (the
	// plain mode adds its retry notices).
	HubOptions []client.Option

	// global is the root command's persistent flags, for every command.
	global globalOptions
}

// secretInput names one secret and where it may come from.
type secretInput struct {
	// name is what the secret is called in questions and messages.
	name string
	// flag reads it from stdin when set (fromStdin); env is the
	// environment variable that holds it otherwise ("" for none).
	flag, env string
	fromStdin bool
}

// Secret reads a secret the one way every command does: with its flag,
// from stdin (typed hidden when stdin is a terminal, else its first line);
// without, from its environment variable. A zero Secret means neither was
// given; an empty stdin is a usage error.
func (f *Factory) Secret(ctx context.Context, in secretInput) (client.Secret, error) {
	if !in.fromStdin {
		if in.env == "" {
			return client.Secret{}, nil
		}
		return client.NewSecret(strings.TrimSpace(os.Getenv(in.env))), nil
	}
	var raw string
	if tty := f.IO.stdinTerm; tty != nil {
		fmt.Fprintf(f.IO.ErrOut, "%s (input hidden): ", in.name)
		b, err := readHidden(ctx, tty)
		fmt.Fprintln(f.IO.ErrOut)
		if err != nil {
			return client.Secret{}, err
		}
		raw = string(b)
	} else {
		line, err := readLine(ctx, f.IO.reader())
		if err != nil && !errors.Is(err, errNoAnswer) {
			return client.Secret{}, err
		}
		raw = line
	}
	if raw = strings.TrimSpace(raw); raw == "" {
		return client.Secret{}, usagef("%s: stdin is empty; pipe the %s in, for example: docker-scim … %s < token.txt", in.flag, in.name, in.flag)
	}
	return client.NewSecret(raw), nil
}

// SCIMToken reads the SCIM API Token (--token-stdin or DOCKER_SCIM_TOKEN)
// and normalises it (quotes and "Bearer " removed).
func (f *Factory) SCIMToken(ctx context.Context, fromStdin bool) (client.Secret, error) {
	in := secretInput{name: "SCIM API Token", flag: "--token-stdin", env: envToken, fromStdin: fromStdin}
	raw, err := f.Secret(ctx, in)
	if err != nil || raw.IsZero() {
		return client.Secret{}, err
	}
	tok, err := client.NormalizeToken(raw.Value())
	src := in.env
	if fromStdin {
		src = in.flag
	}
	if err != nil {
		return client.Secret{}, usagef("%s: %v", src, err)
	}
	for _, n := range client.TokenNotes(raw.Value(), tok) {
		// What was cleaned up, as docs/cli.md promises (never the token).
		fmt.Fprintf(f.IO.ErrOut, "Note: the API Token from %s: %s.\n", src, n)
	}
	return tok, nil
}

// HubToken reads the Docker Hub access token (--hub-token-stdin or
// DOCKER_SCIM_HUB_TOKEN).
func (f *Factory) HubToken(ctx context.Context, fromStdin bool) (client.Secret, error) {
	return f.Secret(ctx, secretInput{name: "Docker Hub access token", flag: "--hub-token-stdin", env: envHubToken, fromStdin: fromStdin})
}

// sandboxRun is the in-process sandbox a wizard runs against, signed in
// as its organization.
type sandboxRun struct {
	URL string
	Org string
	Hub *client.Hub
	// OktaToken is an API token of the sandbox's Okta stand-in.
	OktaToken client.Secret
	// Stop shuts the sandbox down.
	Stop func()
}

// StartSandbox starts the built-in sandbox in-process on a free loopback
// port, seeded with the migration mix and opts, and signs in to it with
// its organization access token on the first request (in the background:
// the wizard's first frame does not wait for the sign-in).
func (f *Factory) StartSandbox(opts ...sandbox.Option) (*sandboxRun, error) {
	sb, err := sandbox.Start("127.0.0.1:0", append([]sandbox.Option{sandbox.WithMigrationMix()}, opts...)...)
	if err != nil {
		return nil, err
	}
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = sb.Shutdown(sctx)
	}
	creds := sb.Credentials()
	hub, err := client.NewHub(sb.URL, f.HubOptions...)
	if err != nil {
		stop()
		return nil, err
	}
	hub.SignInOnFirstUse(creds.Org, client.NewSecret(creds.OAT))
	return &sandboxRun{URL: sb.URL, Org: creds.Org, Hub: hub, OktaToken: client.NewSecret(sb.IssueOktaToken(true)), Stop: stop}, nil
}

// hubInput is how the admin pointed at Docker Hub: its address, the
// identifier for an explicit token, and whether that token came on stdin.
type hubInput struct {
	url, user string
	fromStdin bool
}

// SignInHub signs in to Docker Hub with hubToken (from --hub-token-stdin
// or DOCKER_SCIM_HUB_TOKEN) or else the `docker login` credentials, warns
// when the credential cannot administer org, and checks that org exists.
// It returns nil without credentials, when the docker login ones cannot be
// read (a corrupt config.json, a missing credential helper) or when Docker
// refuses them (the Hub is optional: it only adds checks); a refused
// explicit token is an error with exit code 4.
func (f *Factory) SignInHub(ctx context.Context, in hubInput, org string, hubToken client.Secret, say func(string, ...any)) (*client.Hub, error) {
	var cred hubCredential
	explicit := !hubToken.IsZero()
	if explicit {
		src := envHubToken
		if in.fromStdin {
			src = "--hub-token-stdin"
		}
		id := in.user
		if id == "" {
			id = org
		}
		cred = hubCredential{Identifier: id, Secret: hubToken, Source: src}
	} else {
		c, ok, err := dockerLoginCredential()
		if err != nil {
			// The docker login credential is optional: a broken
			// config.json or a missing credential helper only costs the
			// Hub checks.
			say("Warning: %v. Going on without the Docker Hub checks (%s exists, members and teams).", err, org)
			return nil, nil
		}
		if !ok {
			say("No Docker Hub credentials (--hub-token-stdin, %s or docker login): skipping the check that %s exists.", envHubToken, org)
			return nil, nil
		}
		cred = c
	}
	say("Signing in to Docker Hub as %s with the credential from %s.", cred.Identifier, cred.Source)
	if advice := cred.orgAdvice(org); advice != "" {
		say("Warning: %s", advice)
	}
	hub, err := client.NewHub(in.url, f.HubOptions...)
	if err != nil {
		return nil, usagef("--hub-url: %v", err)
	}
	err = hub.SignIn(ctx, cred.Identifier, cred.Secret)
	if err == nil {
		err = hub.ValidateOrg(ctx, org)
	}
	var ce *client.Error
	if err != nil && !explicit && errors.As(err, &ce) && flow.IsAuthKind(ce.Kind) {
		say("Warning: skipping the organization check: %v", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	say("Organization %s: found.", org)
	return hub, nil
}
