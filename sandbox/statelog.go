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

// dirty lists the entities of one collection that changed since the state
// file's last line, marked by the code that changed them: each one's key
// and the entity, or nil once removed, in the order first marked (so new
// entities are replayed in the order they were created).
type dirty[T any] struct {
	keys []string
	at   map[string]*T
}

// mark records that the entity v, keyed key, changed (nil: removed).
func (d *dirty[T]) mark(key string, v *T) {
	if d.at == nil {
		d.at = map[string]*T{}
	}
	if _, ok := d.at[key]; !ok {
		d.keys = append(d.keys, key)
	}
	d.at[key] = v
}

// changes encodes the marked entities as they are now: removed ones as null.
func (d *dirty[T]) changes() ([]change, error) {
	out := make([]change, 0, len(d.keys))
	for _, k := range d.keys {
		v := d.at[k]
		if v == nil {
			out = append(out, change{Key: k, Value: json.RawMessage("null")})
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out = append(out, change{Key: k, Value: raw})
	}
	return out, nil
}

// changeLog is what changed in the store since the state file's last line,
// recorded when it changed, so that a write encodes what changed and not
// the whole org. It records nothing until the first snapshot is written
// (that snapshot holds everything; without a state file nothing is kept).
type changeLog struct {
	on    bool
	conns dirty[connection]
	users dirty[user]
	teams dirty[team]
}

// changedConn, changedUser and changedTeam record that an entity changed
// (or was added); the caller holds the store's lock. A change to an
// entity already recorded since the last write needs no new record: the
// entity is encoded as it is when the line is written.
func (s *store) changedConn(c *connection) {
	if s.changes.on {
		s.changes.conns.mark(c.ID, c)
	}
}

func (s *store) changedUser(u *user) {
	if s.changes.on {
		s.changes.users.mark(u.ID, u)
	}
}

func (s *store) changedTeam(t *team) {
	if s.changes.on {
		s.changes.teams.mark(teamKey(t), t)
	}
}

// removedUserID records that the user keyed id is gone under that key.
func (s *store) removedUserID(id string) {
	if s.changes.on {
		s.changes.users.mark(id, nil)
	}
}

// removedTeam records that t was deleted.
func (s *store) removedTeam(t *team) {
	if s.changes.on {
		s.changes.teams.mark(teamKey(t), nil)
	}
}

// written is what the state file holds, as of its last line. Only save's
// writer touches it.
type written struct {
	// single is the JSON of the single values, to log them only when they
	// changed; audit the number of audit events.
	single []byte
	audit  int
	// logSize is the bytes after the snapshot; snapshotSize the snapshot's.
	logSize, snapshotSize int64
}

// pendingLine is the log line that takes the file from w to the store's
// current state: the recorded changes, the audit events after w's, and
// the single values when they differ. The caller holds st.mu.
func (st *store) pendingLine(w *written, single []byte) (line logLine, err error) {
	if !bytes.Equal(w.single, single) {
		line.Single = single
	}
	if line.Conns, err = st.changes.conns.changes(); err != nil {
		return line, err
	}
	if line.Users, err = st.changes.users.changes(); err != nil {
		return line, err
	}
	if line.Teams, err = st.changes.teams.changes(); err != nil {
		return line, err
	}
	for _, ev := range st.Audit[w.audit:] {
		raw, err := json.Marshal(ev)
		if err != nil {
			return line, err
		}
		line.Audit = append(line.Audit, raw)
	}
	return line, nil
}

// empty reports whether the line changes nothing.
func (l logLine) empty() bool {
	return len(l.Single) == 0 && len(l.Conns) == 0 && len(l.Users) == 0 && len(l.Teams) == 0 && len(l.Audit) == 0
}

// persist makes the store's current state durable: one appended line with
// what changed (see changeLog), or a fresh snapshot when there is none yet,
// the log has grown past the snapshot, or the audit log shrank. After a
// failed write the next one is a snapshot: the changes taken for the lost
// line are no longer recorded, and a torn line must not stay in the file.
// Only save's writer calls it.
func (s *Server) persist() error {
	st := s.st
	st.mu.Lock()
	w := s.saver.written
	compactAt := s.saver.compactAt
	if compactAt == 0 {
		compactAt = minCompactSize
	}
	compact := w == nil || len(st.Audit) < w.audit || w.logSize > max(w.snapshotSize, compactAt)
	now := written{audit: len(st.Audit)}
	var snapshot []byte
	var line logLine
	var err error
	if now.single, err = json.Marshal(st.single()); err == nil {
		if compact {
			snapshot, err = json.Marshal(st)
		} else {
			line, err = st.pendingLine(w, now.single)
		}
	}
	if err == nil {
		st.changes = changeLog{on: true}
	}
	st.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sandbox state: encode: %w", err)
	}
	s.saver.written = nil // until this write succeeds
	if compact {
		size, err := s.writeSnapshot(snapshot)
		if err != nil {
			return err
		}
		now.snapshotSize = size
		s.saver.written = &now
		return nil
	}
	if line.empty() {
		s.saver.written = w
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
