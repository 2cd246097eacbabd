package client

import (
	"context"
	"net/http"
)

// SCIM is a read-only client of Docker's SCIM 2.0 API, authenticated with
// the SCIM API Token. It never writes: creating and changing users is the
// identity provider's job.
type SCIM struct {
	t     *transport
	base  string
	token Secret
}

// NewSCIM returns a client for the SCIM API at baseURL (the SCIM Base URL).
func NewSCIM(baseURL string, token Secret, opts ...Option) (*SCIM, error) {
	u, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}
	o := buildOptions(opts)
	return &SCIM{t: newTransport(o.http), base: u.String(), token: token}, nil
}

// ServiceProviderConfig is the part of the SCIM ServiceProviderConfig the
// wizard reads.
type ServiceProviderConfig struct {
	Patch struct {
		Supported bool `json:"supported"`
	} `json:"patch"`
	Filter struct {
		Supported  bool `json:"supported"`
		MaxResults int  `json:"maxResults"`
	} `json:"filter"`
	Sort struct {
		Supported bool `json:"supported"`
	} `json:"sort"`
}

var scimHints = map[Kind]string{
	KindUnauthorized: "The token was refreshed or mistyped: copy it again from Admin Console > SSO and SCIM",
	KindNotFound:     "The SCIM Base URL is wrong: copy it again from Admin Console > SSO and SCIM",
}

// ServiceProviderConfig reads GET /ServiceProviderConfig, the first check an
// identity provider makes.
func (s *SCIM) ServiceProviderConfig(ctx context.Context) (ServiceProviderConfig, error) {
	var out ServiceProviderConfig
	err := s.t.do(ctx, call{
		op:     "read the SCIM ServiceProviderConfig",
		method: http.MethodGet,
		url:    s.base + "/ServiceProviderConfig",
		out:    &out,
		bearer: s.token,
		accept: "application/scim+json",
		hints:  scimHints,
	})
	return out, err
}
