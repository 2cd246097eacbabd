package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// The state file is an append-only log of JSON lines. The first line is a
// snapshot of the whole store; each later line holds only what changed since
// the line before: the connections, users and teams that were added, changed
// (their new value) or removed (null), the audit events appended, and the
// store's single values when they changed. A change therefore costs one
// short append and one fsync, whatever the size of the org. When the lines
// after the snapshot grow past the snapshot's size (at least 1 MiB), the
// next write compacts: a fresh snapshot replaces the file (written to a
// temporary file, synced, renamed). Every start compacts too. A last line
// cut short by a crash is ignored: the changes it held were never answered.

// logVersion is the state file's format: 2 is this log; 1 (one JSON
// document) is still read.
const logVersion = 2

// minCompactSize is how large the lines after a snapshot may grow before
// the next write compacts, when the snapshot itself is smaller.
const minCompactSize = 1 << 20

// logLine is one line of the state file.
type logLine struct {
	Version  int               `json:"version,omitempty"`
	Snapshot json.RawMessage   `json:"snapshot,omitempty"`
	Single   json.RawMessage   `json:"single,omitempty"`
	Conns    []change          `json:"connections,omitempty"`
	Users    []change          `json:"users,omitempty"`
	Teams    []change          `json:"teams,omitempty"`
	Audit    []json.RawMessage `json:"audit,omitempty"`
}

// change is one entity in a log line: its key and its new JSON, or null
// when it was removed. Changes are in the store's order, so replaying them
// appends new entities in the order they were created.
type change struct {
	Key   string          `json:"k"`
	Value json.RawMessage `json:"v"`
}

// entities is the JSON of every entity of one collection, in order.
type entities struct {
	keys []string
	json map[string][]byte
}

func (e *entities) add(key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if e.json == nil {
		e.json = map[string][]byte{}
	}
	e.keys = append(e.keys, key)
	e.json[key] = raw
	return nil
}

// singleValues are the store's fields that are not collections.
type singleValues struct {
	Org          orgInfo    `json:"org"`
	AdminName    string     `json:"admin"`
	PasswordHash secretHash `json:"admin_password_sha256"`
	PATHash      secretHash `json:"pat_sha256"`
	OATHash      secretHash `json:"oat_sha256"`
	NextTeamID   int64      `json:"next_team_id"`
}

func (st *store) single() singleValues {
	return singleValues{Org: st.Org, AdminName: st.AdminName, PasswordHash: st.PasswordHash, PATHash: st.PATHash, OATHash: st.OATHash, NextTeamID: st.NextTeamID}
}

func (st *store) setSingle(v singleValues) {
	st.Org, st.AdminName, st.PasswordHash, st.PATHash, st.OATHash, st.NextTeamID = v.Org, v.AdminName, v.PasswordHash, v.PATHash, v.OATHash, v.NextTeamID
}

// teamKey names a team in the log by its numeric id.
func teamKey(t *team) string { return strconv.FormatInt(t.ID, 10) }

// written is what the state file holds, as of its last line: the JSON of
// every entity, to find what changed. Only save's writer touches it.
type written struct {
	single              []byte
	conns, users, teams entities
	audit               int
	// logSize is the bytes after the snapshot; snapshotSize the snapshot's.
	logSize, snapshotSize int64
}

// encodeAll encodes every entity of st; the caller holds st.mu.
func encodeAll(st *store) (written, error) {
	w := written{audit: len(st.Audit)}
	var err error
	if w.single, err = json.Marshal(st.single()); err != nil {
		return w, err
	}
	for _, c := range st.Conns {
		if err := w.conns.add(c.ID, c); err != nil {
			return w, err
		}
	}
	for _, u := range st.Users {
		if err := w.users.add(u.ID, u); err != nil {
			return w, err
		}
	}
	for _, t := range st.Teams {
		if err := w.teams.add(teamKey(t), t); err != nil {
			return w, err
		}
	}
	return w, nil
}

// changed lists what differs from old to cur: changed and new entities in
// cur's order, then the removed ones (null).
func changed(old, cur entities) []change {
	var out []change
	for _, k := range cur.keys {
		if v := cur.json[k]; !bytes.Equal(old.json[k], v) {
			out = append(out, change{Key: k, Value: v})
		}
	}
	for _, k := range old.keys {
		if _, ok := cur.json[k]; !ok {
			out = append(out, change{Key: k, Value: json.RawMessage("null")})
		}
	}
	return out
}

// diff is the log line that takes the file from w to now; empty is true
// when nothing changed.
func diff(w, now written, audit []auditEvent) (line logLine, empty bool, err error) {
	if !bytes.Equal(w.single, now.single) {
		line.Single = now.single
	}
	line.Conns, line.Users, line.Teams = changed(w.conns, now.conns), changed(w.users, now.users), changed(w.teams, now.teams)
	for _, ev := range audit[w.audit:] {
		raw, err := json.Marshal(ev)
		if err != nil {
			return line, false, err
		}
		line.Audit = append(line.Audit, raw)
	}
	empty = len(line.Single) == 0 && len(line.Conns) == 0 && len(line.Users) == 0 && len(line.Teams) == 0 && len(line.Audit) == 0
	return line, empty, nil
}

// persist makes the store's current state durable: one appended line with
// what changed, or a fresh snapshot when there is none yet, the log has
// grown past the snapshot, or the audit log shrank. Only save's writer
// calls it.
func (s *Server) persist() error {
	s.st.mu.Lock()
	now, err := encodeAll(s.st)
	var line logLine
	empty := true
	w := s.saver.written
	compactAt := s.saver.compactAt
	if compactAt == 0 {
		compactAt = minCompactSize
	}
	compact := w == nil || now.audit < w.audit || w.logSize > max(w.snapshotSize, compactAt)
	var snapshot []byte
	if err == nil && compact {
		snapshot, err = json.Marshal(s.st)
	} else if err == nil {
		line, empty, err = diff(*w, now, s.st.Audit)
	}
	s.st.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sandbox state: encode: %w", err)
	}
	if compact {
		size, err := s.writeSnapshot(snapshot)
		if err != nil {
			return err
		}
		now.snapshotSize = size
		s.saver.written = &now
		return nil
	}
	if empty {
		return nil
	}
	n, err := s.appendLine(line)
	if err != nil {
		return err
	}
	now.snapshotSize, now.logSize = w.snapshotSize, w.logSize+n
	s.saver.written = &now
	return nil
}

// writeSnapshot replaces the state file with one snapshot line, crash-safely:
// to a temporary file in the same directory, synced, then renamed. It
// returns the file's size.
func (s *Server) writeSnapshot(store []byte) (int64, error) {
	data, err := json.Marshal(logLine{Version: logVersion, Snapshot: store})
	if err != nil {
		return 0, fmt.Errorf("sandbox state: encode: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(s.statePath)
	tmp, err := os.CreateTemp(dir, filepath.Base(s.statePath)+tmpInfix+"*")
	if err != nil {
		return 0, fmt.Errorf("sandbox state: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("sandbox state: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("sandbox state: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("sandbox state: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.statePath); err != nil {
		return 0, fmt.Errorf("sandbox state: %w", err)
	}
	return int64(len(data)), nil
}

// appendLine appends line to the state file and syncs it; it returns the
// bytes written.
func (s *Server) appendLine(line logLine) (int64, error) {
	data, err := json.Marshal(line)
	if err != nil {
		return 0, fmt.Errorf("sandbox state: encode: %w", err)
	}
	data = append(data, '\n')
	f, err := os.OpenFile(s.statePath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return 0, fmt.Errorf("sandbox state: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return 0, fmt.Errorf("sandbox state: append to %s: %w", s.statePath, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return 0, fmt.Errorf("sandbox state: sync %s: %w", s.statePath, err)
	}
	return int64(len(data)), f.Close()
}

// readLog loads a version 2 state file into st: the snapshot, then every
// complete line after it. A last line without its newline (a write cut
// short) is ignored.
func readLog(r *bufio.Reader, st *store) error {
	first, err := r.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	var head logLine
	if err := json.Unmarshal(first, &head); err != nil {
		return err
	}
	if head.Version != logVersion || len(head.Snapshot) == 0 {
		return fmt.Errorf("the first line is not a version %d snapshot", logVersion)
	}
	if err := json.Unmarshal(head.Snapshot, st); err != nil {
		return err
	}
	for n := 2; ; n++ {
		raw, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return nil // a partial last line, if any, is dropped
		}
		if err != nil {
			return err
		}
		var line logLine
		if err := json.Unmarshal(raw, &line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if err := apply(st, line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
}

// apply replays one log line onto st.
func apply(st *store, line logLine) error {
	if len(line.Single) > 0 {
		var v singleValues
		if err := json.Unmarshal(line.Single, &v); err != nil {
			return err
		}
		st.setSingle(v)
	}
	var err error
	if st.Conns, err = replay(st.Conns, line.Conns, func(c *connection) string { return c.ID }); err != nil {
		return err
	}
	if st.Users, err = replay(st.Users, line.Users, func(u *user) string { return u.ID }); err != nil {
		return err
	}
	if st.Teams, err = replay(st.Teams, line.Teams, teamKey); err != nil {
		return err
	}
	for _, raw := range line.Audit {
		var ev auditEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return err
		}
		st.Audit = append(st.Audit, ev)
	}
	return nil
}

// replay applies changes to list: a changed entity keeps its place, a new
// one goes at the end (in the line's order, which is the store's), a null
// removes it.
func replay[T any](list []*T, changes []change, key func(*T) string) ([]*T, error) {
	if len(changes) == 0 {
		return list, nil
	}
	at := make(map[string]int, len(list))
	for i, item := range list {
		at[key(item)] = i
	}
	removed := map[string]bool{}
	var added []*T
	for _, c := range changes {
		if string(c.Value) == "null" {
			removed[c.Key] = true
			continue
		}
		item := new(T)
		if err := json.Unmarshal(c.Value, item); err != nil {
			return nil, err
		}
		if i, ok := at[c.Key]; ok {
			list[i] = item
		} else {
			added = append(added, item)
		}
	}
	out := make([]*T, 0, len(list)+len(added))
	for _, item := range list {
		if !removed[key(item)] {
			out = append(out, item)
		}
	}
	return append(out, added...), nil
}
