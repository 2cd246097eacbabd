package entra

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strings"

	"golang.org/x/oauth2"

	"github.com/docker-scim/docker-scim/client"
)

// LoginURL is the Microsoft identity platform's sign-in endpoint.
const LoginURL = "https://login.microsoftonline.com"

// ErrNoAzureCLI means the Azure CLI is not installed.
var ErrNoAzureCLI = errors.New("the Azure CLI (az) is not installed")

// AzureCLIToken reuses the Azure CLI's sign-in: it runs
// `az account get-access-token --resource-type ms-graph` and returns the
// Graph access token it prints. The token stays in memory.
func AzureCLIToken(ctx context.Context) (client.Secret, error) {
	az, err := exec.LookPath("az")
	if err != nil {
		return client.Secret{}, ErrNoAzureCLI
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, az, "account", "get-access-token", "--resource-type", "ms-graph", "--output", "json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := sanitize(client.Redact(strings.TrimSpace(stderr.String())))
		return client.Secret{}, fmt.Errorf("az account get-access-token failed (%v): %s; run `az login` (with --allow-no-subscriptions for a tenant without subscriptions) and try again", err, msg)
	}
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	if json.Unmarshal(stdout.Bytes(), &out) != nil || out.AccessToken == "" {
		return client.Secret{}, errors.New("az account get-access-token printed no accessToken")
	}
	return client.NewSecret(out.AccessToken), nil
}

// DeviceCodePrompt is what the admin must do to finish a device code sign-in.
type DeviceCodePrompt struct {
	// UserCode is the code to enter at VerificationURI.
	UserCode string
	// VerificationURI is where to sign in.
	VerificationURI string
	// Message is the instruction to show.
	Message string
}

// DeviceCodeSignIn signs in with the OAuth 2.0 device authorization grant
// (v2-oauth2-device-code.md): it asks loginURL for a device code of the
// admin's own app registration clientID in tenant, hands the code to show,
// and polls until the admin has signed in, the code expires or ctx ends.
// hc nil means http.DefaultClient. Nothing is written to disk.
func DeviceCodeSignIn(ctx context.Context, hc *http.Client, loginURL, tenant, clientID string, show func(DeviceCodePrompt)) (client.Secret, error) {
	if clientID == "" {
		return client.Secret{}, errors.New("the device code sign-in needs the Application (client) ID of your own app registration (public client flows allowed, delegated Graph permissions granted): give it with --client-id")
	}
	if tenant == "" {
		tenant = "organizations"
	}
	u, err := url.Parse(strings.TrimRight(loginURL, "/"))
	if err != nil || u.Host == "" {
		return client.Secret{}, fmt.Errorf("the sign-in URL %q is not an absolute URL", loginURL)
	}
	if err := checkScheme(u); err != nil {
		return client.Secret{}, err
	}
	base := u.String() + "/" + url.PathEscape(tenant) + "/oauth2/v2.0"
	cfg := oauth2.Config{
		ClientID: clientID,
		Endpoint: oauth2.Endpoint{DeviceAuthURL: base + "/devicecode", TokenURL: base + "/token", AuthStyle: oauth2.AuthStyleInParams},
		Scopes:   graphScopeURIs(),
	}
	if hc != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	}
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		return client.Secret{}, fmt.Errorf("start the device code sign-in: %s", oauthMessage(err))
	}
	show(DeviceCodePrompt{UserCode: sanitize(da.UserCode), VerificationURI: sanitize(da.VerificationURI), Message: sanitize(client.Redact(deviceMessage(da)))})
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		return client.Secret{}, fmt.Errorf("finish the device code sign-in: %s", oauthMessage(err))
	}
	return client.NewSecret(tok.AccessToken), nil
}

// graphScopeURIs are Scopes as Microsoft Graph resource scopes.
func graphScopeURIs() []string {
	out := make([]string, len(Scopes))
	for i, s := range Scopes {
		out[i] = "https://graph.microsoft.com/" + s
	}
	return out
}

func deviceMessage(da *oauth2.DeviceAuthResponse) string {
	return "Open " + da.VerificationURI + " in a browser and enter the code " + da.UserCode
}

// oauthMessage explains an OAuth error without the response body's
// secrets: the error code and its description only.
func oauthMessage(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		msg := re.ErrorCode
		if re.ErrorDescription != "" {
			msg += ": " + re.ErrorDescription
		}
		switch re.ErrorCode {
		case "expired_token":
			msg += " (the code expired: start again and sign in within 15 minutes)"
		case "authorization_declined":
			msg += " (the sign-in was declined)"
		case "invalid_client", "unauthorized_client":
			msg += " (check the client id, and allow public client flows in the app registration's Authentication settings)"
		}
		if msg == "" {
			msg = fmt.Sprintf("HTTP %d", re.Response.StatusCode)
		}
		return sanitize(client.Redact(msg))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return sanitize(client.Redact(err.Error()))
}
