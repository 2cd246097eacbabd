package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// maxBody caps every request body the sandbox reads.
const maxBody = 1 << 20

// decodeBody reads a JSON request body into v and answers 400 when it cannot.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			writeHubError(w, http.StatusRequestEntityTooLarge, "request body too large")
		case errors.Is(err, io.EOF):
			writeHubError(w, http.StatusBadRequest, "request body is empty")
		default:
			writeHubError(w, http.StatusBadRequest, "malformed JSON: "+err.Error())
		}
		return false
	}
	return true
}

type authTokenRequest struct {
	Identifier string `json:"identifier"`
	Secret     string `json:"secret"`
}

type authTokenResponse struct {
	AccessToken string `json:"access_token"`
}

// authToken serves POST /v2/auth/token: a password or PAT with the username,
// or an OAT with the organization name, exchanged for a 10-minute JWT.
func (s *Server) authToken(w http.ResponseWriter, r *http.Request) {
	var req authTokenRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Identifier == "" || req.Secret == "" {
		writeHubError(w, http.StatusBadRequest, "identifier and secret are required")
		return
	}
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	c := claims{IssuedAt: now.Unix(), ExpiresAt: now.Add(jwtLifetime).Unix(), Issuer: "docker-scim-sandbox"}
	h := hashSecret(req.Secret)
	switch {
	case strings.HasPrefix(req.Secret, OATPrefix) && h == st.oatHash && strings.EqualFold(req.Identifier, st.org):
		c.Kind, c.Org, c.Subject = kindOAT, st.org, "oat:"+st.org
	case strings.HasPrefix(req.Secret, PATPrefix) && h == st.patHash && strings.EqualFold(req.Identifier, st.admin.username):
		c.Kind, c.Username, c.Subject = kindPAT, st.admin.username, st.admin.username
	case req.Secret == st.admin.password && strings.EqualFold(req.Identifier, st.admin.username):
		c.Kind, c.Username, c.Subject = kindPassword, st.admin.username, st.admin.username
	default:
		writeHubError(w, http.StatusUnauthorized, "incorrect username or password")
		return
	}
	writeHub(w, http.StatusOK, authTokenResponse{AccessToken: signJWT(st.jwtKey, c)})
}

type claimsKey struct{}

// hubAuth requires a valid JWT from POST /v2/auth/token.
func (s *Server) hubAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			writeHubError(w, http.StatusUnauthorized, "authentication required")
			return
		}
		s.st.mu.Lock()
		c, err := verifyJWT(s.st.jwtKey, tok, s.st.now())
		s.st.mu.Unlock()
		if err != nil {
			writeHubError(w, http.StatusUnauthorized, "invalid or expired token")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)))
	}
}
