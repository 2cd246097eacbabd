package client

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// ConnectionType is an SSO connection's authentication method.
type ConnectionType string

// The connection types the Admin Console offers.
const (
	SAML      ConnectionType = "saml"
	AzureOIDC ConnectionType = "azure_ad_oidc"
)

// Label is the Admin Console's name for the type.
func (t ConnectionType) Label() string {
	switch t {
	case SAML:
		return "SAML"
	case AzureOIDC:
		return "Azure AD (OIDC)"
	}
	return string(t)
}

// Connection is an SSO connection of the organization.
type Connection struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Type        ConnectionType `json:"type"`
	IdP         string         `json:"idp"`
	Domains     []string       `json:"domains"`
	JIT         bool           `json:"jit_enabled"`
	SCIMEnabled bool           `json:"scim_enabled"`
	DefaultTeam string         `json:"default_team"`
	// Organizations are the organizations of the company the connection
	// serves, where known (the sandbox; Docker has no API for it).
	Organizations []string `json:"organizations,omitempty"`
}

// SCIMCredentials are the two values Setup SCIM shows: the SCIM Base URL and
// the API Token.
type SCIMCredentials struct {
	BaseURL string
	Token   Secret
}

// Console performs the Admin Console's SSO and SCIM steps.
type Console interface {
	// Connections lists the organization's SSO connections.
	Connections(ctx context.Context, org string) ([]Connection, error)
	// SetupSCIM enables SCIM on a connection and returns its credentials.
	SetupSCIM(ctx context.Context, org, connectionID string) (SCIMCredentials, error)
	// EditSCIM shows the SCIM Base URL and API Token of a connection that
	// has SCIM again, as Actions → Edit SCIM does; it issues nothing new.
	EditSCIM(ctx context.Context, org, connectionID string) (SCIMCredentials, error)
	// RefreshSCIMToken issues a new API Token; the old one stops working.
	RefreshSCIMToken(ctx context.Context, org, connectionID string) (SCIMCredentials, error)
	// Org describes the organization: its plan and its domains.
	Org(ctx context.Context, org string) (OrgInfo, error)
	// DisableSCIM turns SCIM off on a connection; its API Token stops working.
	DisableSCIM(ctx context.Context, org, connectionID string) error
	// SetJIT turns just-in-time provisioning on or off for a connection.
	SetJIT(ctx context.Context, org, connectionID string, enabled bool) (Connection, error)
}

// OrgInfo is what the Admin Console shows about an organization.
type OrgInfo struct {
	Name    string   `json:"name"`
	Plan    string   `json:"plan"`
	Domains []Domain `json:"domains"`
	// Connections are the org's SSO connections, as the Admin Console's SSO
	// and SCIM page lists them with the org.
	Connections []Connection `json:"connections"`
}

// Domain is a domain of the organization and whether it is verified.
type Domain struct {
	Name     string `json:"name"`
	Verified bool   `json:"verified"`
}

// ErrNoConsoleAPI is wrapped by every DockerConsole error: Docker publishes
// no API for these steps.
var ErrNoConsoleAPI = errors.New("docker publishes no API for this step")

// DockerConsole is the Console of real Docker: every call reports that the
// step must be done by hand in Docker Home.
type DockerConsole struct{}

func unavailable(op string) error {
	return &Error{Op: op, Kind: KindUnavailable, Err: ErrNoConsoleAPI,
		Hint: "Do this step by hand in " + SSOAndSCIMPage}
}

// Connections reports that Docker has no API to list SSO connections.
func (DockerConsole) Connections(context.Context, string) ([]Connection, error) {
	return nil, unavailable("list SSO connections")
}

// SetupSCIM reports that Docker has no API for Setup SCIM.
func (DockerConsole) SetupSCIM(context.Context, string, string) (SCIMCredentials, error) {
	return SCIMCredentials{}, unavailable("set up SCIM")
}

// EditSCIM reports that Docker has no API for Edit SCIM.
func (DockerConsole) EditSCIM(context.Context, string, string) (SCIMCredentials, error) {
	return SCIMCredentials{}, unavailable("show the SCIM values again")
}

// RefreshSCIMToken reports that Docker has no API to refresh the SCIM token.
func (DockerConsole) RefreshSCIMToken(context.Context, string, string) (SCIMCredentials, error) {
	return SCIMCredentials{}, unavailable("refresh the SCIM token")
}

// Org reports that Docker has no API for the organization's console page.
func (DockerConsole) Org(context.Context, string) (OrgInfo, error) {
	return OrgInfo{}, unavailable("read the organization's plan and domains")
}

// DisableSCIM reports that Docker has no API to disable SCIM.
func (DockerConsole) DisableSCIM(context.Context, string, string) error {
	return unavailable("disable SCIM")
}

// SetJIT reports that Docker has no API to switch JIT provisioning.
func (DockerConsole) SetJIT(context.Context, string, string, bool) (Connection, error) {
	return Connection{}, unavailable("change JIT provisioning")
}

// SandboxConsolePrefix is where the sandbox serves its console API.
const SandboxConsolePrefix = "/sandbox/console"

// SandboxConsole is the Console of the local sandbox, over HTTP. The Hub
// client must be signed in.
type SandboxConsole struct{ Hub *Hub }

func orgPath(org string) string {
	return SandboxConsolePrefix + "/orgs/" + url.PathEscape(org) + "/connections"
}

func connPath(org, id string) string { return orgPath(org) + "/" + url.PathEscape(id) }

// Org reads the sandbox organization's plan and domains.
func (c SandboxConsole) Org(ctx context.Context, org string) (OrgInfo, error) {
	var out OrgInfo
	err := c.Hub.send(ctx, "read the organization "+org, http.MethodGet,
		SandboxConsolePrefix+"/orgs/"+url.PathEscape(org), &out, nil)
	return out, err
}

// DisableSCIM turns SCIM off on the connection.
func (c SandboxConsole) DisableSCIM(ctx context.Context, org, id string) error {
	return c.Hub.sendBody(ctx, call{op: "disable SCIM", method: http.MethodPost,
		url: c.Hub.base.String() + connPath(org, id) + "/scim/disable", hints: map[Kind]string{
			KindConflict: "Docker disables SCIM only while JIT provisioning is on: turn JIT on first (" +
				EnableJITAction + "), or SCIM is already off"}})
}

// SetJIT turns just-in-time provisioning on or off for the connection.
func (c SandboxConsole) SetJIT(ctx context.Context, org, id string, enabled bool) (Connection, error) {
	var out Connection
	err := c.Hub.sendBody(ctx, call{op: "change JIT provisioning", method: http.MethodPut,
		url: c.Hub.base.String() + connPath(org, id) + "/jit", body: map[string]bool{"enabled": enabled}, out: &out,
		hints: map[Kind]string{KindConflict: "Docker turns JIT provisioning off only while SCIM is on: enable SCIM on the connection first"}})
	return out, err
}

// PushRequest is what the sandbox's identity-provider simulator pushes:
// users to create, the group to push them into, and users to deactivate.
type PushRequest struct {
	Users      []PushUser `json:"users"`
	Group      string     `json:"group,omitempty"`
	Deactivate []string   `json:"deactivate,omitempty"`
}

// PushUser is a user the simulator provisions.
type PushUser struct {
	UserName   string `json:"userName"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

// PushResult is what the simulator did: the SCIM resources it created,
// updated and deactivated, and the group it pushed.
type PushResult struct {
	Created     []PushedRef `json:"created"`
	Updated     []PushedRef `json:"updated"`
	Group       PushedRef   `json:"group"`
	Deactivated []PushedRef `json:"deactivated"`
}

// PushedRef names a SCIM user (ID, UserName) or group (ID, DisplayName)
// the simulator touched.
type PushedRef struct {
	ID          string `json:"id"`
	UserName    string `json:"userName"`
	DisplayName string `json:"displayName"`
}

// SimulatePush makes the sandbox act as an identity provider and push req
// through SCIM with the connection's API Token (POST /sandbox/idp/push).
// Only the sandbox has this: against Docker the identity provider pushes.
func (c SandboxConsole) SimulatePush(ctx context.Context, creds SCIMCredentials, req PushRequest) (PushResult, error) {
	var out PushResult
	err := c.Hub.t.do(ctx, call{op: "simulate an identity provider push", method: http.MethodPost,
		url: c.Hub.base.String() + "/sandbox/idp/push", body: req, out: &out, bearer: creds.Token, hints: pushHints})
	return out, err
}

// pushHints are the SCIM hints, except that a 502 from the push is the
// simulated identity provider reporting a failed SCIM request (the message
// names it), not Docker having a problem.
var pushHints = func() map[Kind]string {
	h := maps.Clone(scimHints)
	h[KindServer] = "The simulated identity provider's SCIM request to the sandbox failed: the message names the request and the sandbox's answer"
	return h
}()

// Connections lists the sandbox organization's SSO connections.
func (c SandboxConsole) Connections(ctx context.Context, org string) ([]Connection, error) {
	var out struct {
		Connections []Connection `json:"connections"`
	}
	err := c.Hub.send(ctx, "list SSO connections", http.MethodGet, orgPath(org), &out, nil)
	return out.Connections, err
}

// SetupSCIM enables SCIM on the connection and returns its credentials. It
// is safe to retry, and retries itself: when an attempt fails in a way that
// may have enabled SCIM without the answer arriving (no answer in time, a
// dropped connection, 502, 503, 504), it first reads the connection. SCIM
// on means the lost answer was applied, so Edit SCIM shows its values; SCIM
// off means nothing happened, so Setup SCIM is sent again.
// A 429 is sent again after the wait the server asked for.
func (c SandboxConsole) SetupSCIM(ctx context.Context, org, id string) (SCIMCredentials, error) {
	const op = "set up SCIM"
	t := c.Hub.t
	creds, err := c.issue(ctx, op, connPath(org, id)+"/scim", false)
	for attempt := 1; err != nil && attempt <= t.retry.RetryMax; attempt++ {
		var ce *Error
		if !errors.As(err, &ce) || !mayHaveHappened(ce) {
			break
		}
		wait := t.backoff(t.retry.RetryWaitMin, t.retry.RetryWaitMax, attempt-1, nil)
		if ce.RetryAfter > 0 {
			if ce.RetryAfter > t.retry.RetryWaitMax {
				break
			}
			wait = ce.RetryAfter
		}
		if deadline, ok := ctx.Deadline(); ok && deadline.Sub(t.now()) < wait {
			break
		}
		if t.notice != nil {
			t.notice(RetryNotice{Op: op, Attempt: attempt + 1, Cause: ce.Kind.String(), RateLimited: ce.Kind == KindRateLimited})
		}
		if sleep(ctx, wait) != nil {
			break
		}
		if ce.Kind != KindRateLimited {
			conns, lerr := c.Connections(ctx, org)
			if lerr != nil {
				break // the first failure says more than this one
			}
			i := slices.IndexFunc(conns, func(conn Connection) bool { return conn.ID == id })
			if i < 0 {
				break
			}
			if conns[i].SCIMEnabled {
				return c.EditSCIM(ctx, org, id)
			}
		}
		creds, err = c.issue(ctx, op, connPath(org, id)+"/scim", false)
	}
	return creds, err
}

// mayHaveHappened reports a failure after which a request may or may not
// have been applied, or was refused for now: worth checking and retrying.
func mayHaveHappened(e *Error) bool {
	switch e.Kind {
	case KindNetwork, KindTimeout, KindRateLimited:
		return true
	}
	return e.Kind == KindServer && retryable(e.Status)
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// ErrTokenNotKept is wrapped by EditSCIM's error when the sandbox cannot show
// the API Token: it was issued before the sandbox restarted, and only its
// hash was kept. A new token must be issued (RefreshSCIMToken).
var ErrTokenNotKept = errors.New("the sandbox kept only a hash of this API Token")

// EditSCIM reads the connection's SCIM Base URL and API Token again (Edit
// SCIM); nothing new is issued, so the identity provider's token keeps
// working. It fails wrapping ErrTokenNotKept for a token issued before the
// sandbox restarted.
func (c SandboxConsole) EditSCIM(ctx context.Context, org, id string) (SCIMCredentials, error) {
	var out struct {
		BaseURL  string `json:"scim_base_url"`
		APIToken string `json:"api_token"`
	}
	err := c.Hub.send(ctx, "show the SCIM values again", http.MethodGet, connPath(org, id)+"/scim", &out,
		map[Kind]string{KindConflict: "SCIM is not on for this connection: enable SCIM first"})
	var ce *Error
	if errors.As(err, &ce) && ce.Status == http.StatusGone {
		ce.Err = ErrTokenNotKept
		ce.Hint = "Issue a new API Token (sandbox only) and give it to the identity provider"
	}
	if err != nil {
		return SCIMCredentials{}, err
	}
	return SCIMCredentials{BaseURL: out.BaseURL, Token: NewSecret(out.APIToken)}, nil
}

// RefreshSCIMToken issues a new API Token for the connection. Sending it
// twice is harmless (the token of a lost answer was never seen), so it is
// retried like a read.
func (c SandboxConsole) RefreshSCIMToken(ctx context.Context, org, id string) (SCIMCredentials, error) {
	return c.issue(ctx, "refresh the SCIM token", connPath(org, id)+"/scim/token", true)
}

// issue sends Setup SCIM or a token refresh; retrySafe lets the transport
// retry it.
func (c SandboxConsole) issue(ctx context.Context, op, path string, retrySafe bool) (SCIMCredentials, error) {
	var out struct {
		BaseURL  string `json:"scim_base_url"`
		APIToken string `json:"api_token"`
	}
	err := c.Hub.sendBody(ctx, call{op: op, method: http.MethodPost, url: c.Hub.base.String() + path, out: &out, retrySafe: retrySafe,
		hints: map[Kind]string{KindConflict: "SCIM is already set up on this connection: see its values again under " + SCIMValuesPath}})
	if err != nil {
		return SCIMCredentials{}, err
	}
	return SCIMCredentials{BaseURL: out.BaseURL, Token: NewSecret(out.APIToken)}, nil
}
