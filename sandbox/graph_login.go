package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// deviceGrant is a pending device authorization of the stand-in's login
// endpoints (v2-oauth2-device-code.md).
type deviceGrant struct {
	clientID string
	scopes   []string
	userCode string
	expires  time.Time
	polls    int
}

// deviceCodeLifetime is how long a device code lives (Microsoft's default).
const deviceCodeLifetime = 15 * time.Minute

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, "application/json", map[string]any{"error": code, "error_description": description})
}

// graphScopes turns an OAuth scope string into Graph permission names.
func graphScopes(scope string) []string {
	var out []string
	for _, s := range strings.Fields(scope) {
		s = strings.TrimPrefix(s, "https://graph.microsoft.com/")
		switch s {
		case "openid", "profile", "offline_access", ".default":
			if s == ".default" {
				out = append(out, allGraphScopes...)
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// graphDeviceCode serves POST /login/{tenant}/oauth2/v2.0/devicecode.
func (s *Server) graphDeviceCode(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body must be form-encoded.")
		return
	}
	clientID, scope := r.PostForm.Get("client_id"), r.PostForm.Get("scope")
	if clientID == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: The request body must contain the parameter 'client_id'.")
		return
	}
	if len(graphScopes(scope)) == 0 {
		writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "The scope must name Microsoft Graph permissions.")
		return
	}
	device := "sbx_device_" + randomString(40)
	user := strings.ToUpper(randomString(9))
	s.graph.mu.Lock()
	s.graph.devices[device] = &deviceGrant{clientID: clientID, scopes: graphScopes(scope), userCode: user, expires: s.st.now().Add(deviceCodeLifetime)}
	s.graph.mu.Unlock()
	verify := baseURL(r) + LoginPrefix + "/device"
	writeJSON(w, http.StatusOK, "application/json", map[string]any{
		"device_code": device, "user_code": user, "verification_uri": verify,
		"expires_in": int(deviceCodeLifetime / time.Second), "interval": 1,
		"message": fmt.Sprintf("To sign in to the sandbox tenant, open %s and enter the code %s (the sandbox approves it by itself).", verify, user),
	})
}

// graphTokenEndpoint serves POST /login/{tenant}/oauth2/v2.0/token for the
// device code grant. The sandbox has no one to sign in, so it approves a
// device code on its second poll: the first answers authorization_pending.
func (s *Server) graphTokenEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body must be form-encoded.")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "urn:ietf:params:oauth:grant-type:device_code" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "The stand-in supports the device code grant only.")
		return
	}
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	g := s.graph.devices[r.PostForm.Get("device_code")]
	switch {
	case g == nil || g.clientID != r.PostForm.Get("client_id"):
		writeOAuthError(w, http.StatusBadRequest, "bad_verification_code", "The device_code is not known for this client.")
		return
	case !s.st.now().Before(g.expires):
		delete(s.graph.devices, r.PostForm.Get("device_code"))
		writeOAuthError(w, http.StatusBadRequest, "expired_token", "The device code expired: start the sign-in again.")
		return
	}
	g.polls++
	if g.polls < 2 {
		writeOAuthError(w, http.StatusBadRequest, "authorization_pending", "The user has not finished signing in yet.")
		return
	}
	delete(s.graph.devices, r.PostForm.Get("device_code"))
	tok := "sbx_graph_" + randomString(32)
	s.graph.tokens[tok] = &graphToken{scopes: g.scopes, admin: true, expires: s.st.now().Add(time.Hour)}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, "application/json", map[string]any{
		"token_type": "Bearer", "scope": strings.Join(g.scopes, " "), "expires_in": 3600, "access_token": tok,
	})
}

// graphDevicePage serves the verification page a device code names.
func (s *Server) graphDevicePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = fmt.Fprintln(w, "docker-scim sandbox: this tenant approves device codes by itself; go back to the terminal.")
}
