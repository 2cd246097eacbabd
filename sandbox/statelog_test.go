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
