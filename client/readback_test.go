package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// readBackSandbox serves a sandbox of n extra SCIM users (all older than
// the returned since) through wrap, and returns a SCIM client, a function
// that pushes new users through the IdP simulator, and since.
func readBackSandbox(t testing.TB, n int, wrap func(http.Handler) http.Handler, opts ...sandbox.Option) (*sandbox.Server, *client.SCIM, func(users ...string), time.Time) {
	t.Helper()
	sb := sandbox.New(append([]sandbox.Option{sandbox.WithScale(n), sandbox.WithRateLimit(1 << 30)}, opts...)...)
	srv := httptest.NewServer(wrap(sb))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	hub, _ := client.NewHub(srv.URL)
	if err := hub.SignIn(ctx, sb.Credentials().Org, client.NewSecret(sb.Credentials().OAT)); err != nil {
		t.Fatal(err)
	}
	creds := client.SCIMCredentials{BaseURL: srv.URL + sandbox.SCIMPath, Token: client.NewSecret(sb.Credentials().SCIMToken)}
	s, err := client.NewSCIM(creds.BaseURL, creds.Token)
	if err != nil {
		t.Fatal(err)
	}
	push := func(users ...string) {
		req := client.PushRequest{Group: "moby:developers"}
		for _, u := range users {
			req.Users = append(req.Users, client.PushUser{UserName: u, GivenName: "New", FamilyName: "User"})
		}
		if _, err := (client.SandboxConsole{Hub: hub}).SimulatePush(ctx, creds, req); err != nil {
			t.Fatal(err)
		}
	}
	// SCIM times have whole seconds: since is the second after the seed.
	return sb, s, push, time.Now().Truncate(time.Second)
}

func noWrap(h http.Handler) http.Handler { return h }

func userNames(users []client.User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.UserName)
	}
	slices.Sort(out)
	return out
}

// TestReadUsersSinceIsOneRequestAtScale: with 10,000 older users, a read
// where nothing is new is one request, and new users arrive newest first
// with their teams from the SCIM groups attribute, still in one request.
func TestReadUsersSinceIsOneRequestAtScale(t *testing.T) {
	_, s, push, since := readBackSandbox(t, 10_000, noWrap)
	ctx := context.Background()
	rb, err := s.ReadUsersSince(ctx, since)
	if err != nil || len(rb.Users) != 0 || rb.Requests != 1 || !rb.Sorted {
		t.Fatalf("nothing new: %d users, %d requests, sorted %v, err %v; want 0, 1, true", len(rb.Users), rb.Requests, rb.Sorted, err)
	}
	push("ada@moby.example", "bob@moby.example")
	rb, err = s.ReadUsersSince(ctx, since)
	if err != nil || rb.Requests != 1 || fmt.Sprint(userNames(rb.Users)) != "[ada@moby.example bob@moby.example]" {
		t.Fatalf("after a push: %v, %d requests, err %v", userNames(rb.Users), rb.Requests, err)
	}
	if teams := rb.Users[0].Teams("moby"); !slices.Contains(teams, "developers") {
		t.Fatalf("teams of %s from the SCIM groups attribute: %v (groups %v)", rb.Users[0].UserName, teams, rb.Users[0].Groups)
	}
}

// TestReadUsersSinceFallsBack: a server that refuses sortBy (400) or
// ignores it (answers in its own order) still gets every new user, by
// reading them all; the refusal is remembered.
func TestReadUsersSinceFallsBack(t *testing.T) {
	ignoreSort := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			q.Del("sortBy")
			q.Del("sortOrder")
			r.URL.RawQuery = q.Encode()
			h.ServeHTTP(w, r)
		})
	}
	for _, tc := range []struct {
		name  string
		wrap  func(http.Handler) http.Handler
		fault *sandbox.Fault
	}{
		{"refused", noWrap, &sandbox.Fault{Path: sandbox.SCIMPath + "/Users", Status: 400, Times: 1,
			Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"sortBy is not supported"}`}},
		{"ignored", ignoreSort, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb, s, push, since := readBackSandbox(t, 250, tc.wrap)
			push("ada@moby.example")
			if tc.fault != nil {
				sb.AddFault(*tc.fault)
			}
			ctx := context.Background()
			rb, err := s.ReadUsersSince(ctx, since)
			// One request to find out, then two pages of 200 (256 users).
			if err != nil || rb.Sorted || rb.Requests != 3 || fmt.Sprint(userNames(rb.Users)) != "[ada@moby.example]" {
				t.Fatalf("first read: %v, %d requests, sorted %v, err %v; want ada, 3 requests, unsorted", userNames(rb.Users), rb.Requests, rb.Sorted, err)
			}
			rb, err = s.ReadUsersSince(ctx, since)
			if err != nil || rb.Requests != 2 || len(rb.Users) != 1 {
				t.Fatalf("second read: %d users, %d requests, err %v; want 1 user in 2 requests (the sort is not tried again)", len(rb.Users), rb.Requests, err)
			}
		})
	}
}

func TestUserTeams(t *testing.T) {
	u := client.User{Groups: []string{"moby:developers", "other:ops", "company", "MOBY:design", "moby:"}}
	if got := fmt.Sprint(u.Teams("moby")); got != "[developers company design]" {
		t.Fatalf("Teams = %s", got)
	}
}

// BenchmarkReadBack10kUsers is one read-back poll of an org with 10,000
// SCIM users when nothing is new: the requests it sends and its time.
func BenchmarkReadBack10kUsers(b *testing.B) {
	_, s, _, since := readBackSandbox(b, 10_000, noWrap)
	ctx := context.Background()
	requests := 0
	for b.Loop() {
		rb, err := s.ReadUsersSince(ctx, since)
		if err != nil || len(rb.Users) != 0 {
			b.Fatalf("%d users, %v", len(rb.Users), err)
		}
		requests += rb.Requests
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/poll")
}
