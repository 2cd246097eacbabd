package sandbox_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/sandbox"
)

// stateLines reads the state file's lines.
func stateLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// TestStateIsAnAppendOnlyLog: a change appends one short line with what
// changed (the snapshot line stays as it was); a removal is a null; a
// restart replays the lines and compacts the file to one snapshot.
func TestStateIsAnAppendOnlyLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newEnv(t, sandbox.WithState(path))
	start := stateLines(t, path)
	if len(start) != 1 || !strings.Contains(start[0], `"snapshot"`) {
		t.Fatalf("a fresh state file is %d lines, want one snapshot", len(start))
	}
	id := first.createUser("ada@moby.example", "Ada", "Lovelace")
	lines := stateLines(t, path)
	if len(lines) != 2 || lines[0] != start[0] {
		t.Fatalf("a change rewrote the file (%d lines, snapshot changed %v), want one appended line", len(lines), lines[0] != start[0])
	}
	if len(lines[1]) > len(lines[0])/2 || !strings.Contains(lines[1], "ada@moby.example") {
		t.Fatalf("the appended line (%d bytes, snapshot %d) is not just the change: %.200s", len(lines[1]), len(lines[0]), lines[1])
	}
	tmp := first.must(first.do("POST", "/v2/orgs/moby/groups", first.jwt, map[string]string{"name": "tmp"}), 201)
	first.must(first.scim("DELETE", "/Groups/"+tmp.str("uuid"), nil), 204)
	lines = stateLines(t, path)
	var last struct {
		Teams []struct {
			V json.RawMessage `json:"v"`
		} `json:"teams"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if len(last.Teams) != 1 || string(last.Teams[0].V) != "null" {
		t.Fatalf("the deleted team is not logged as a null: %s", lines[len(lines)-1])
	}
	first.must(first.scim("DELETE", "/Users/"+id, nil), 204)
	first.createUser("zelda@moby.example", "Zelda", "Fitzgerald")
	first.must(first.do("POST", "/v2/orgs/moby/groups", first.jwt, map[string]string{"name": "ops"}), 201)

	second := newEnv(t, sandbox.WithState(path))
	if names := second.memberNames("?search=zelda"); len(names) != 1 {
		t.Fatalf("a user added after the snapshot was lost: %v", names)
	}
	if names := second.memberNames("?search=ada"); len(names) != 0 {
		t.Fatalf("a user deleted after the snapshot came back: %v", names)
	}
	second.must(second.do("GET", "/v2/orgs/moby/groups/ops", second.jwt, nil), 200)
	if n := len(stateLines(t, path)); n != 1 {
		t.Fatalf("the start did not compact the log: %d lines", n)
	}
}

// TestStateIgnoresATornLastLine: a crash in the middle of an append leaves
// a last line without its newline; the next start drops it and keeps every
// complete line before it.
func TestStateIgnoresATornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newEnv(t, sandbox.WithState(path))
	first.createUser("ada@moby.example", "Ada", "Lovelace")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"users":[{"k":"torn","v":{"id":"torn","userna`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	second := newEnv(t, sandbox.WithState(path))
	if names := second.memberNames("?search=ada"); len(names) != 1 {
		t.Fatalf("the change before the torn line was lost: %v", names)
	}
}

// TestStateReadsVersion1: a state file of the earlier format (one JSON
// document) still loads, and is rewritten as a log.
func TestStateReadsVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newEnv(t, sandbox.WithState(path))
	first.createUser("ada@moby.example", "Ada", "Lovelace")
	other := filepath.Join(t.TempDir(), "compact.json")
	newEnv(t, sandbox.WithState(path)) // compacts to one snapshot line
	var head struct {
		Snapshot json.RawMessage `json:"snapshot"`
	}
	if err := json.Unmarshal([]byte(stateLines(t, path)[0]), &head); err != nil {
		t.Fatal(err)
	}
	var v1 bytes.Buffer
	v1.WriteString(`{"version": 1, "store": `)
	if err := json.Indent(&v1, head.Snapshot, "", "  "); err != nil {
		t.Fatal(err)
	}
	v1.WriteString("}\n")
	if err := os.WriteFile(other, v1.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	third := newEnv(t, sandbox.WithState(other))
	if names := third.memberNames("?search=ada"); len(names) != 1 {
		t.Fatalf("the version 1 file lost a user: %v", names)
	}
	if lines := stateLines(t, other); len(lines) != 1 || !strings.Contains(lines[0], `"version":2`) {
		t.Fatalf("the version 1 file was not rewritten as a log")
	}
}

// TestStateLogRecordsEveryChange: every kind of change the sandbox makes
// (SCIM users created, linked, attached, renamed, deactivated, deleted;
// groups created, reused, renamed, edited, deleted; Hub teams; Setup SCIM,
// token refresh, JIT and disable on a connection) is recorded when it is
// made, so the log replays to the store held in memory after each one.
func TestStateLogRecordsEveryChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, sandbox.WithState(path), sandbox.WithMigrationMix())
	check := func(what string) {
		t.Helper()
		if err := sandbox.LogMatchesStore(e.sb); err != nil {
			t.Fatalf("after %s, the log does not replay to the store: %v", what, err)
		}
	}
	check("the start")
	const userSchema, patchSchema = "urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	const docker = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"
	patch := func(ops ...map[string]any) map[string]any {
		return map[string]any{"schemas": []string{patchSchema}, "Operations": ops}
	}

	ada := e.createUser("ada@moby.example", "Ada", "Lovelace")
	check("a new SCIM user")
	jane := e.must(e.scim("POST", "/Users", map[string]any{"schemas": []string{userSchema}, "userName": "jane.doe@moby.example"}), 201).str("id")
	check("a member added before SCIM linked")
	sam := e.must(e.scim("POST", "/Users", map[string]any{"schemas": []string{userSchema}, "userName": "sam.lee@moby.example"}), 201).str("id")
	check("an account outside the org attached")
	e.must(e.scim("PUT", "/Users/"+ada, map[string]any{"schemas": []string{userSchema}, "userName": "ada.l@moby.example",
		"name": map[string]string{"givenName": "Augusta"}, "active": true, docker: map[string]string{"dockerRole": "editor", "dockerTeam": "analysts"}}), 200)
	check("PUT: new email, name, role and team")
	e.must(e.scim("PATCH", "/Users/"+jane, patch(map[string]any{"op": "replace", "path": "name.familyName", "value": "Roe"})), 200)
	check("PATCH: a name")
	e.must(e.scim("PATCH", "/Users/"+jane, patch(map[string]any{"op": "replace", "path": "active", "value": false})), 200)
	check("PATCH: deactivated")
	e.must(e.scim("PATCH", "/Users/"+jane, patch(map[string]any{"op": "replace", "path": "active", "value": true})), 200)
	check("PATCH: reactivated")
	e.must(e.scim("DELETE", "/Users/"+sam, nil), 204)
	check("a user deleted")
	e.must(e.scim("POST", "/Users", map[string]any{"schemas": []string{userSchema}, "userName": "sam.lee@moby.example"}), 201)
	check("the deleted user's account attached again under a new id")

	members := func(ids ...string) []map[string]string {
		var out []map[string]string
		for _, id := range ids {
			out = append(out, map[string]string{"value": id})
		}
		return out
	}
	const groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
	ops := e.must(e.scim("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "moby:ops", "members": members(ada)}), 201).str("id")
	check("a new group")
	e.must(e.scim("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "moby:developers", "members": members(jane)}), 201)
	check("a group mapped to an existing team")
	e.must(e.scim("PUT", "/Groups/"+ops, map[string]any{"schemas": []string{groupSchema}, "displayName": "moby:operations", "members": members(ada, jane)}), 200)
	check("PUT: a group renamed, a member added")
	e.must(e.scim("PATCH", "/Groups/"+ops, patch(map[string]any{"op": "remove", "path": `members[value eq "` + ada + `"]`})), 200)
	check("PATCH: a member removed")
	e.must(e.scim("DELETE", "/Groups/"+ops, nil), 204)
	check("a group deleted")
	e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "hub-team"}), 201)
	check("a Hub team")

	conn := sandbox.ConsolePrefix + "/orgs/moby/connections/conn-okta-saml"
	e.must(e.do("POST", conn+"/scim", e.jwt, nil), 200)
	check("Setup SCIM")
	e.must(e.do("POST", conn+"/scim/token", e.jwt, nil), 200)
	check("a token refresh")
	e.must(e.do("PUT", conn+"/jit", e.jwt, map[string]bool{"enabled": false}), 200)
	check("JIT off")
	e.must(e.do("PUT", conn+"/jit", e.jwt, map[string]bool{"enabled": true}), 200)
	check("JIT on")
	e.must(e.do("POST", conn+"/scim/disable", e.jwt, nil), 204)
	check("SCIM disabled")

	if n := len(stateLines(t, path)); n < 20 {
		t.Fatalf("%d lines: the changes were not appended one line each", n)
	}
}
