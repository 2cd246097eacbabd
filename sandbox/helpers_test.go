package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

// env is a sandbox served over real HTTP on loopback, with helpers for the
// three kinds of auth it takes.
type env struct {
	t     *testing.T
	sb    *sandbox.Server
	url   string
	creds sandbox.Credentials
	jwt   string // from the OAT
}

func newEnv(t *testing.T, opts ...sandbox.Option) *env {
	t.Helper()
	sb := sandbox.New(opts...)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	e := &env{t: t, sb: sb, url: srv.URL, creds: sb.Credentials()}
	e.jwt = e.signIn(e.creds.Org, e.creds.OAT)
	return e
}

// resp is one answer: status, headers and the body, decoded when JSON.
type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r resp) str(key string) string { s, _ := r.body[key].(string); return s }

func (r resp) list(key string) []any { l, _ := r.body[key].([]any); return l }

// do sends method path with an optional bearer and JSON body.
func (e *env) do(method, path, bearer string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	target := path
	if !strings.HasPrefix(path, "http") {
		target = e.url + path
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := testwait.HTTP.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// must fails the test unless r has status want.
func (e *env) must(r resp, want int) resp {
	e.t.Helper()
	if r.status != want {
		e.t.Fatalf("status %d, want %d; body %s", r.status, want, r.raw)
	}
	return r
}

func (e *env) signIn(identifier, secret string) string {
	e.t.Helper()
	r := e.must(e.do("POST", "/v2/auth/token", "", map[string]string{"identifier": identifier, "secret": secret}), 200)
	return r.str("access_token")
}

// scim calls the SCIM API with the seeded connection's token.
func (e *env) scim(method, path string, body any) resp {
	e.t.Helper()
	return e.do(method, sandbox.SCIMPath+path, e.creds.SCIMToken, body)
}

// createUser provisions email through SCIM and returns its id.
func (e *env) createUser(email, given, family string) string {
	e.t.Helper()
	r := e.must(e.scim("POST", "/Users", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": email,
		"name": map[string]string{"givenName": given, "familyName": family},
	}), 201)
	return r.str("id")
}

// memberNames pages through /members following the absolute next links.
func (e *env) memberNames(query string) []string {
	e.t.Helper()
	var names []string
	next := e.url + "/v2/orgs/moby/members" + query
	for next != "" {
		r := e.must(e.do("GET", next, e.jwt, nil), 200)
		for _, m := range r.list("results") {
			names = append(names, m.(map[string]any)["username"].(string))
		}
		next = r.str("next")
	}
	return names
}

// hubErrorShape checks Docker's `error` shape {errinfo, detail, message}.
func hubErrorShape(t *testing.T, r resp) {
	t.Helper()
	if _, ok := r.body["errinfo"].(map[string]any); !ok || r.str("message") == "" || r.str("detail") == "" {
		t.Fatalf("not Docker's error shape: %s", r.raw)
	}
}

// scimErrorShape checks Docker's scim_error with status as a string.
func scimErrorShape(t *testing.T, r resp, scimType string) {
	t.Helper()
	if r.header.Get("Content-Type") != "application/scim+json" {
		t.Errorf("content type %q", r.header.Get("Content-Type"))
	}
	status, ok := r.body["status"].(string)
	if !ok || status != strconv.Itoa(r.status) || r.str("detail") == "" {
		t.Fatalf("not Docker's scim_error shape: %s", r.raw)
	}
	if scimType != "" && r.str("scimType") != scimType {
		t.Fatalf("scimType %q, want %q: %s", r.str("scimType"), scimType, r.raw)
	}
}
