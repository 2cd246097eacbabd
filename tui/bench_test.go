package tui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// manyConnections returns n connections across the three identity
// providers and both connection types.
func manyConnections(n int) []client.Connection {
	idps := []string{"okta", "entra", "onelogin"}
	conns := make([]client.Connection, n)
	for i := range conns {
		typ := client.SAML
		if i%5 == 0 {
			typ = client.AzureOIDC
		}
		conns[i] = client.Connection{ID: fmt.Sprintf("c%05d", i), Name: fmt.Sprintf("Connection %05d", i), Type: typ, IdP: idps[i%3]}
	}
	return conns
}

// filteredConnections returns the wizard at 100×30 on the connection list
// holding n connections, with the filter open and "okta" typed.
func filteredConnections(n int) tea.Model {
	var m tea.Model = New(Config{Env: &flow.Env{Org: "moby", Console: &fakeConsole{conns: manyConnections(n)}, Sandbox: true}})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	list := m.(Model).top().(*connectionsScreen)
	m, _ = m.Update(connectionsLoadedMsg{owner: list, org: client.OrgInfo{Connections: manyConnections(n)}})
	for _, k := range []string{"/", "o", "k", "t", "a"} {
		m, _ = m.Update(keyPress(k))
	}
	return m
}

// BenchmarkConnectionsViewFiltered10k renders the connection list of
// 10,000 connections with a filter that keeps a third of them.
func BenchmarkConnectionsViewFiltered10k(b *testing.B) {
	m := filteredConnections(10_000)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkConnectionsFilterKey10k is one keystroke in the filter of a
// 10,000-connection list (the filter runs again) followed by a render.
func BenchmarkConnectionsFilterKey10k(b *testing.B) {
	m := filteredConnections(10_000)
	keys := []tea.KeyPressMsg{keyPress("x"), {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m, _ = m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

// BenchmarkRequestsToCredentialsCopied runs the sandbox happy path the way
// `docker-scim --sandbox` does (sign in to the sandbox's Hub, list the
// connections, then enter on every screen) until the API Token is copied,
// and reports how many HTTP requests the sandbox served.
func BenchmarkRequestsToCredentialsCopied(b *testing.B) {
	var paths []string
	for b.Loop() {
		paths = requestsToCredentialsCopied(b)
	}
	b.ReportMetric(float64(len(paths)), "requests")
	b.Logf("%d requests from start to the API Token copied:\n%s", len(paths), strings.Join(paths, "\n"))
}

// requestsToCredentialsCopied returns the requests the sandbox served, as
// "METHOD path", in order.
func requestsToCredentialsCopied(b *testing.B) []string {
	sb := sandbox.New()
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cfg := signedInConfig(b, srv.URL, sb.Credentials())
	cfg.ClipboardMode = ClipboardOSC52
	d := newDriver(b, cfg, 100, 30)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c")
	// An OSC 52 copy does not count as secured (the terminal may drop it):
	// the screen says where the token went.
	if !strings.Contains(d.screen(), "API Token sent to your terminal's clipboard") {
		b.Fatalf("the API Token was not copied; screen:\n%s", d.screen())
	}
	mu.Lock()
	defer mu.Unlock()
	if n := sb.RequestCount(); n != len(paths) {
		b.Fatalf("the sandbox counted %d requests, the recorder %d", n, len(paths))
	}
	return paths
}
