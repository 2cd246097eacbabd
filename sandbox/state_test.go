package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

func TestSimulatorGoAPI(t *testing.T) {
	e := newEnv(t)
	sim := sandbox.NewSimulator(e.url+sandbox.SCIMPath, e.creds.SCIMToken, testwait.HTTP)
	ctx := context.Background()
	ada, err := sim.CreateUser(ctx, sandbox.SimUser{UserName: "ada@moby.example", GivenName: "Ada", FamilyName: "Lovelace"})
	if err != nil || ada.ID == "" {
		t.Fatalf("create: %v %+v", err, ada)
	}
	if _, err := sim.UpdateUser(ctx, ada.ID, sandbox.SimUser{UserName: "ada@moby.example", GivenName: "Augusta", FamilyName: "King"}); err != nil {
		t.Fatal(err)
	}
	g, err := sim.PushGroup(ctx, "moby:analysts", []string{ada.ID})
	if err != nil || g.DisplayName != "moby:analysts" {
		t.Fatalf("push group: %v %+v", err, g)
	}
	if found, ok, err := sim.FindUser(ctx, "ada@moby.example"); err != nil || !ok || found.ID != ada.ID {
		t.Fatalf("find: %v %v %+v", err, ok, found)
	}
	if _, err := sim.Deactivate(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	if len(e.memberNames("?search=ada")) != 0 {
		t.Fatal("deactivated user still a member")
	}
	_, err = sim.CreateUser(ctx, sandbox.SimUser{UserName: "ada@moby.example"})
	var se *sandbox.SimError
	if !errors.As(err, &se) || se.Status != 409 || se.Op != "POST /Users" {
		t.Fatalf("duplicate create: %v", err)
	}
	bad := sandbox.NewSimulator(e.url+sandbox.SCIMPath, "not-the-token", testwait.HTTP)
	if _, err := bad.CreateUser(ctx, sandbox.SimUser{UserName: "x@moby.example"}); !errors.As(err, &se) || se.Status != 401 || strings.Contains(err.Error(), "not-the-token") {
		t.Fatalf("bad token: %v", err)
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newEnv(t, sandbox.WithState(path))
	first.createUser("ada@moby.example", "Ada", "Lovelace")
	first.must(first.do("POST", "/v2/orgs/moby/groups", first.jwt, map[string]string{"name": "ops"}), 201)
	setup := first.must(first.do("POST", console+"/connections/conn-okta-saml/scim", first.jwt, nil), 200)
	first.must(first.do("PUT", console+"/connections/conn-okta-saml/jit", first.jwt, map[string]bool{"enabled": false}), 200)

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{first.creds.PAT, first.creds.OAT, first.creds.SCIMToken, setup.str("api_token"), "sandbox-password"} {
		if strings.Contains(string(data), secret) {
			t.Fatalf("state file holds a raw secret")
		}
	}
	if matches, _ := filepath.Glob(path + ".tmp-*"); len(matches) != 0 {
		t.Fatalf("temporary files left behind: %v", matches)
	}

	second := newEnv(t, sandbox.WithState(path))
	if second.creds.PAT == first.creds.PAT || second.creds.SCIMToken == "" || second.creds.SCIMToken == first.creds.SCIMToken {
		t.Fatal("a restart from state must mint fresh seeded tokens")
	}
	if names := second.memberNames("?search=ada"); len(names) != 1 {
		t.Fatalf("SCIM user lost: %v", names)
	}
	second.must(second.do("GET", "/v2/orgs/moby/groups/ops", second.jwt, nil), 200)
	// The token from Setup SCIM survives as a hash; the old seeded one does not.
	second.must(second.do("GET", second.url+sandbox.SCIMPath+"/Users", setup.str("api_token"), nil), 200)
	second.must(second.do("GET", second.url+sandbox.SCIMPath+"/Users", first.creds.SCIMToken, nil), 401)
	// Edit SCIM cannot show a token issued before the restart (only its hash
	// was kept): 410 says to issue a new one, and never echoes a token.
	gone := second.must(second.do("GET", console+"/connections/conn-okta-saml/scim", second.jwt, nil), 410)
	hubErrorShape(t, gone)
	if !strings.Contains(string(gone.raw), "issue a new token") || strings.Contains(string(gone.raw), setup.str("api_token")) {
		t.Fatalf("Edit SCIM after a restart: %s", gone.raw)
	}
	conns := second.must(second.do("GET", console+"/connections", second.jwt, nil), 200).list("connections")
	for _, c := range conns {
		m := c.(map[string]any)
		if m["id"] == "conn-okta-saml" && m["jit_enabled"] != false {
			t.Fatal("JIT toggle lost")
		}
	}
	logs := second.must(second.do("GET", "/v2/auditlogs/moby?action=team.create&name=ops", second.jwt, nil), 200)
	if len(logs.list("logs")) != 1 {
		t.Fatalf("audit log lost: %s", logs.raw)
	}
}

func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage":       "{not json",
		"wrong version": `{"version":99,"store":{}}`,
		"empty store":   `{"version":1,"store":{}}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := sandbox.Open(sandbox.WithState(path)); err == nil || !strings.Contains(err.Error(), "delete the file") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A state file that cannot be written is a 500 that says so.
	path := filepath.Join(dir, "state.json")
	sb, err := sandbox.Open(sandbox.WithState(path))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	e := &env{t: t, sb: sb, url: srv.URL, creds: sb.Credentials()}
	e.jwt = e.signIn("moby", e.creds.OAT)
	// A directory where the state file should be: the rename fails.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	r := e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "ops"}), 500)
	if !strings.Contains(r.str("message"), "will not survive a restart") {
		t.Fatalf("500 does not explain: %s", r.raw)
	}
}

// TestConcurrentUsersAndGroups creates users and groups from many goroutines
// and checks that the Hub and SCIM views agree afterwards.
func TestConcurrentUsersAndGroups(t *testing.T) {
	statePath := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, sandbox.WithState(statePath))
	const workers, perWorker = 8, 6
	sim := sandbox.NewSimulator(e.url+sandbox.SCIMPath, e.creds.SCIMToken, testwait.HTTP)
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker*2)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ids []string
			for i := range perWorker {
				ref, err := sim.CreateUser(context.Background(), sandbox.SimUser{UserName: fmt.Sprintf("w%d-u%d@moby.example", w, i), GivenName: "W", FamilyName: "U"})
				if err != nil {
					errs <- err
					return
				}
				ids = append(ids, ref.ID)
				// Every worker also pushes into one shared group.
				if _, err := sim.PushGroup(context.Background(), "moby:shared", []string{ref.ID}); err != nil && !isConflict(err) {
					errs <- err
				}
			}
			if _, err := sim.PushGroup(context.Background(), fmt.Sprintf("moby:team%d", w), ids); err != nil {
				errs <- err
			}
		}()
	}
	testwait.Do(t, "the workers' pushes", wg.Wait)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	total := workers * perWorker
	if r := e.must(e.scim("GET", "/Users?count=0", nil), 200); int(r.body["totalResults"].(float64)) != total+1 {
		t.Fatalf("SCIM users: %v, want %d", r.body["totalResults"], total+1)
	}
	if names := e.memberNames("?page_size=7"); len(names) != total+5 {
		t.Fatalf("org members: %d, want %d", len(names), total+5)
	}
	for w := range workers {
		r := e.must(e.do("GET", fmt.Sprintf("/v2/orgs/moby/groups/team%d", w), e.jwt, nil), 200)
		if int(r.body["member_count"].(float64)) != perWorker {
			t.Errorf("team%d: %s", w, r.raw)
		}
	}
	// Two workers may race to POST the shared group (one gets 409 and its
	// member is then missing); every member it has must be a real member.
	shared := e.must(e.do("GET", "/v2/orgs/moby/groups/shared/members?page_size=100", e.jwt, nil), 200)
	if n := int(shared.body["count"].(float64)); n < total-workers || n > total {
		t.Errorf("shared group has %d members", n)
	}
	groups := e.must(e.do("GET", "/v2/orgs/moby/groups?page_size=100", e.jwt, nil), 200)
	if int(groups.body["count"].(float64)) != 4+workers+1 {
		t.Errorf("teams: %s", groups.raw)
	}
	// The state file holds the same data.
	again := newEnv(t, sandbox.WithState(statePath))
	if names := again.memberNames("?page_size=100"); len(names) != total+5 {
		t.Fatalf("state file has %d members, want %d", len(names), total+5)
	}
}

func isConflict(err error) bool {
	var se *sandbox.SimError
	return errors.As(err, &se) && se.Status == 409
}

// TestStaleTempFilesRemovedAtStart: a sandbox killed while writing leaves a
// <state>.tmp-* file; the next start removes it, and nothing else.
func TestStaleTempFilesRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	stale := path + ".tmp-4242"
	other := filepath.Join(dir, "notes.tmp-1")
	for _, f := range []string{stale, other} {
		if err := os.WriteFile(f, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	newEnv(t, sandbox.WithState(path))
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale temporary file still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("an unrelated file was removed: %v", err)
	}
}

// TestPushRaceOnTheSameGroupAndUser: two pushes that both look up a group
// (or user), find nothing, and both create it: the second one's 409 is
// handled as an identity provider does (look again, then add or update),
// not reported as a failure.
func TestPushRaceOnTheSameGroupAndUser(t *testing.T) {
	sb := sandbox.New()
	var hidden sync.Map // lookups answered "none" once, as if the other push had not created it yet
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.RawQuery, "filter=") {
			if _, seen := hidden.LoadOrStore(r.URL.Path+"?"+r.URL.RawQuery, true); !seen {
				w.Header().Set("Content-Type", "application/scim+json")
				_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`))
				return
			}
		}
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()
	sim := sandbox.NewSimulator(srv.URL+sandbox.SCIMPath, sb.Credentials().SCIMToken, testwait.HTTP)
	ctx := context.Background()
	direct := httptest.NewServer(sb)
	defer direct.Close()
	first := sandbox.NewSimulator(direct.URL+sandbox.SCIMPath, sb.Credentials().SCIMToken, testwait.HTTP)
	// The "other push" creates the user and the group directly.
	ada, err := first.CreateUser(ctx, sandbox.SimUser{UserName: "race@moby.example", GivenName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.PushGroup(ctx, "moby:racers", []string{ada.ID}); err != nil {
		t.Fatal(err)
	}
	res, err := sim.Push(ctx, sandbox.Push{Users: []sandbox.SimUser{{UserName: "race@moby.example", GivenName: "Augusta"}}, Group: "moby:racers"})
	if err != nil {
		t.Fatalf("a push that lost the race failed: %v", err)
	}
	if len(res.Updated) != 1 || res.Group == nil || res.Group.DisplayName != "moby:racers" {
		t.Fatalf("push result %+v: want the user updated and the group reused", res)
	}
}
