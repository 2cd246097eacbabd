package client

import (
	"context"
	"net/http"
	"sync"
)

// DockerHub is the address of Docker's real API.
const DockerHub = "https://hub.docker.com"

// Hub is a client of the Docker Hub API (and of the sandbox's console API,
// which lives on the same host).
type Hub struct {
	t    *transport
	base string

	mu  sync.Mutex
	jwt Secret
}

// Option configures a Hub or SCIM client.
type Option func(*options)

type options struct{ http *http.Client }

// WithHTTPClient makes the client send requests through hc.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.http = hc } }

func buildOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}

// NewHub returns a client for the Hub API at baseURL (https, or http on a
// loopback address for the sandbox).
func NewHub(baseURL string, opts ...Option) (*Hub, error) {
	u, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}
	o := buildOptions(opts)
	return &Hub{t: newTransport(o.http), base: u.String()}, nil
}

// BaseURL is the address the client talks to.
func (h *Hub) BaseURL() string { return h.base }

// SignIn exchanges an access token for a JWT with POST /v2/auth/token. The
// identifier is the organization name for an organization access token
// (dckr_oat_…) and the username for a personal access token or password.
func (h *Hub) SignIn(ctx context.Context, identifier string, secret Secret) error {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	err := h.t.do(ctx, call{
		op:      "sign in to Docker",
		method:  http.MethodPost,
		url:     h.base + "/v2/auth/token",
		body:    map[string]string{"identifier": identifier, "secret": secret.Value()},
		out:     &out,
		secrets: []Secret{secret},
		hints: map[Kind]string{
			KindUnauthorized: "Docker did not accept the token: use the organization name with an organization access token, or your username with a personal access token",
		},
	})
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.jwt = NewSecret(out.AccessToken)
	h.mu.Unlock()
	return nil
}

func (h *Hub) token() Secret {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.jwt
}

// get sends an authenticated GET of path and decodes the answer into out.
func (h *Hub) send(ctx context.Context, op, method, path string, out any, hints map[Kind]string) error {
	return h.t.do(ctx, call{op: op, method: method, url: h.base + path, out: out, bearer: h.token(), hints: hints})
}
