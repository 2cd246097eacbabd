package sandbox

import (
	"context"
	"net/http"
)

type scimConnKey struct{}

// scimAuth requires the bearer SCIM API token of a connection with SCIM on.
func (s *Server) scimAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			writeSCIMError(w, http.StatusUnauthorized, "", "authentication required: send the SCIM API token as a bearer token")
			return
		}
		s.st.mu.Lock()
		c := s.st.connectionBySCIMToken(tok)
		var id string
		if c != nil {
			id = c.ID
		}
		s.st.mu.Unlock()
		if c == nil {
			writeSCIMError(w, http.StatusUnauthorized, "", "invalid SCIM token")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), scimConnKey{}, id)))
	}
}

type supported struct {
	Supported bool `json:"supported"`
}

type authScheme struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	SpecURI     string `json:"specUri"`
	Type        string `json:"type"`
	Primary     bool   `json:"primary"`
}

// ServiceProviderConfig follows the live Docker reference (patch supported,
// filter.maxResults 200, authenticationSchemes as an array).
type serviceProviderConfig struct {
	Schemas          []string  `json:"schemas"`
	DocumentationURI string    `json:"documentationUri"`
	Patch            supported `json:"patch"`
	Bulk             struct {
		Supported      bool `json:"supported"`
		MaxOperations  int  `json:"maxOperations"`
		MaxPayloadSize int  `json:"maxPayloadSize"`
	} `json:"bulk"`
	Filter struct {
		Supported  bool `json:"supported"`
		MaxResults int  `json:"maxResults"`
	} `json:"filter"`
	ChangePassword        supported    `json:"changePassword"`
	Sort                  supported    `json:"sort"`
	ETag                  supported    `json:"etag"`
	AuthenticationSchemes []authScheme `json:"authenticationSchemes"`
}

func (s *Server) serviceProviderConfig(w http.ResponseWriter, r *http.Request) {
	var c serviceProviderConfig
	c.Schemas = []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}
	c.DocumentationURI = "https://docs.docker.com/security/for-admins/provisioning/scim/"
	c.Patch.Supported = true
	c.Filter.Supported = true
	c.Filter.MaxResults = 200
	c.Sort.Supported = true
	c.AuthenticationSchemes = []authScheme{{
		Name:        "OAuth Bearer Token",
		Description: "Authentication scheme using the OAuth Bearer Token Standard",
		SpecURI:     "https://www.rfc-editor.org/info/rfc6750",
		Type:        "oauthbearertoken",
		Primary:     true,
	}}
	writeSCIM(w, http.StatusOK, c)
}
