package okta_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/internal/sandboxtest"
	"github.com/docker-scim/docker-scim/okta"
	"github.com/docker-scim/docker-scim/sandbox"
)

type env struct {
	sb    *sandbox.Server
	srv   *httptest.Server
	scim  string
	token string
}

func newEnv(t *testing.T, wrap func(http.Handler) http.Handler) env {
	t.Helper()
	sb, srv := sandboxtest.Serve(t, wrap)
	return env{sb: sb, srv: srv, scim: srv.URL + sandbox.SCIMPath, token: sb.Credentials().SCIMToken}
}

func (e env) client(t *testing.T, admin bool) *okta.Client {
	t.Helper()
	c, err := okta.New(e.srv.URL+sandbox.OktaPrefix, client.NewSecret(e.sb.IssueOktaToken(admin)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// connectSCIM does the manual part: the app's SCIM connection.
func (e env) connectSCIM(t *testing.T, c *okta.Client, appLabel string) {
	t.Helper()
	apps, err := c.AppsByLabel(context.Background(), appLabel)
	if err != nil || len(apps) != 1 {
		t.Fatalf("%v %v", apps, err)
	}
	body, _ := json.Marshal(map[string]string{"app": apps[0].ID, "base_url": e.scim, "token": e.token})
	req, _ := http.NewRequest(http.MethodPut, e.srv.URL+sandbox.OktaSCIMPath, bytes.NewReader(body))
	req.Header.Set("Authorization", "SSWS "+e.sb.IssueOktaToken(true))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("SCIM connection: %v %v", resp, err)
	}
	resp.Body.Close()
}

func (e env) scimGroupMembers(t *testing.T, name string) (int, bool) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.scim+"/Groups?"+url.Values{"filter": {`displayName eq "` + name + `"`}}.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Resources []struct {
			Members []json.RawMessage `json:"members"`
		} `json:"Resources"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	if len(list.Resources) == 0 {
		return 0, false
	}
	return len(list.Resources[0].Members), true
}

func TestConfigurePushesTheGroupsToDocker(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, true)
	e.connectSCIM(t, c, "Docker")
	s := okta.Settings{AppLabel: "Docker", Org: "moby", Groups: []string{"moby:developers", "moby:designers"}}
	var steps []okta.Progress
	out, err := okta.Configure(context.Background(), c, s, func(p okta.Progress) { steps = append(steps, p) })
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != len(okta.Steps()) || steps[1].Detail != "1 created, 1 existed" || steps[3].Detail != "2 pushed, 0 already pushed" {
		t.Fatalf("steps %+v", steps)
	}
	if n, ok := e.scimGroupMembers(t, "moby:developers"); !ok || n != 2 {
		t.Errorf("moby:developers in Docker: found %v with %d members, want 2", ok, n)
	}
	if _, ok := e.scimGroupMembers(t, "moby:designers"); !ok {
		t.Error("moby:designers was not pushed to Docker")
	}
	if len(out.Pushed) != 2 {
		t.Errorf("pushed %v", out.Pushed)
	}
	// Again: everything is found done.
	steps = nil
	if _, err := okta.Configure(context.Background(), c, s, func(p okta.Progress) { steps = append(steps, p) }); err != nil {
		t.Fatal(err)
	}
	if steps[1].Detail != "0 created, 2 existed" || steps[2].Detail != "0 assigned, 2 already assigned" || steps[3].Detail != "0 pushed, 2 already pushed" {
		t.Errorf("second run %+v", steps)
	}
}

func TestConfigureWithoutTheSCIMConnectionNamesTheManualStep(t *testing.T) {
	e := newEnv(t, nil)
	_, err := okta.Configure(context.Background(), e.client(t, true), okta.Settings{AppLabel: "Docker", Org: "moby"}, nil)
	var oe *okta.Error
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "SCIM connection is not set up") {
		t.Fatalf("err = %v", err)
	}
}

func TestPermissionAndTokenErrorsNameTheFix(t *testing.T) {
	e := newEnv(t, nil)
	_, err := okta.Configure(context.Background(), e.client(t, false), okta.Settings{AppLabel: "Docker", Org: "moby", Groups: []string{"moby:new"}}, nil)
	var oe *okta.Error
	if !errors.As(err, &oe) || oe.Status != http.StatusForbidden || oe.Code != "E0000006" || !strings.Contains(oe.Hint, "Super Administrator") {
		t.Fatalf("no admin: %v", err)
	}
	bad, _ := okta.New(e.srv.URL+sandbox.OktaPrefix, client.NewSecret("00notatokenatall0123456789abcdefghijklmn"), nil)
	_, err = okta.Configure(context.Background(), bad, okta.Settings{AppLabel: "Docker", Org: "moby"}, nil)
	if !errors.As(err, &oe) || oe.Code != "E0000011" || strings.Contains(err.Error(), "00notatokenatall") {
		t.Fatalf("bad token: %v", err)
	}
}

func TestRateLimitReportsTheReset(t *testing.T) {
	e := newEnv(t, nil)
	e.sb.AddFault(sandbox.Fault{Path: sandbox.OktaPrefix + "/api/v1/apps", Status: http.StatusTooManyRequests,
		Header: map[string]string{"X-Rate-Limit-Reset": "4102444800"}, Times: 1})
	_, err := e.client(t, true).AppsByLabel(context.Background(), "Docker")
	var oe *okta.Error
	if !errors.As(err, &oe) || oe.Status != http.StatusTooManyRequests || oe.RetryAfter <= 0 || oe.Code != "E0000047" {
		t.Fatalf("err = %v", err)
	}
}

func TestNewRefusesCleartext(t *testing.T) {
	if _, err := okta.New("http://moby.okta.com", client.NewSecret("t"), nil); err == nil {
		t.Error("http to a remote host was accepted")
	}
}

func TestEveryOktaCallIsTheDocumentedOne(t *testing.T) {
	raw, err := os.ReadFile("testdata/okta_contract.json")
	if err != nil {
		t.Fatal(err)
	}
	var contract struct {
		Calls []struct {
			Name, Method, Path, Source, Commit string
			Query, Body                        []string
			Status                             int
		} `json:"calls"`
	}
	if err := json.Unmarshal(raw, &contract); err != nil {
		t.Fatal(err)
	}
	rec := sandboxtest.NewRecorder(sandbox.OktaPrefix, "/api/")
	e := newEnv(t, rec.Wrap)
	c := e.client(t, true)
	e.connectSCIM(t, c, "Docker")
	rec.Reset()
	if _, err := okta.Configure(context.Background(), c, okta.Settings{AppLabel: "Docker", Org: "moby", Groups: []string{"moby:developers", "moby:new"}}, nil); err != nil {
		t.Fatal(err)
	}
	match := func(tmpl, path string) bool {
		ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
		if len(ts) != len(ps) {
			return false
		}
		for i := range ts {
			if ts[i] != "{x}" && ts[i] != ps[i] {
				return false
			}
		}
		return true
	}
	used := map[string]bool{}
	for _, sc := range rec.Calls() {
		var body map[string]json.RawMessage
		_ = json.Unmarshal(sc.Body, &body)
		bodyKeys := slices.Sorted(maps.Keys(body))
		i := slices.IndexFunc(contract.Calls, func(d struct {
			Name, Method, Path, Source, Commit string
			Query, Body                        []string
			Status                             int
		}) bool {
			return d.Method == sc.Method && match(d.Path, sc.Path)
		})
		if i < 0 {
			t.Errorf("%s %s is not a documented call", sc.Method, sc.Path)
			continue
		}
		d := contract.Calls[i]
		used[d.Name] = true
		for _, q := range sc.Query {
			if !slices.Contains(d.Query, q) {
				t.Errorf("%s: query %s is not documented", d.Name, q)
			}
		}
		if !slices.Equal(bodyKeys, slices.Sorted(slices.Values(d.Body))) {
			t.Errorf("%s: body keys %v, documented %v", d.Name, bodyKeys, d.Body)
		}
		if sc.Status != d.Status {
			t.Errorf("%s: status %d, documented %d", d.Name, sc.Status, d.Status)
		}
		if d.Source == "" || len(d.Commit) != 40 {
			t.Errorf("%s: no source and commit", d.Name)
		}
	}
	for _, d := range contract.Calls {
		if !used[d.Name] {
			t.Errorf("documented call %q was never made", d.Name)
		}
	}
	plan, err := okta.Plan(okta.Settings{AppLabel: "Docker", Org: "moby", Groups: []string{"moby:developers"}})
	if err != nil || len(plan) == 0 {
		t.Fatalf("plan: %v %v", plan, err)
	}
}
