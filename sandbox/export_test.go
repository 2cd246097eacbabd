package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// LogMatchesStore replays sb's state file into an empty store and compares
// it with the store sb holds, entity by entity (order aside): an error
// names the first entity that differs, as when a change was not recorded
// for the log.
func LogMatchesStore(sb *Server) error {
	data, err := os.ReadFile(sb.statePath)
	if err != nil {
		return err
	}
	replayed := &store{}
	if err := readLog(bufio.NewReader(bytes.NewReader(data)), replayed); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	sb.st.mu.Lock()
	live, err := entitiesJSON(sb.st)
	sb.st.mu.Unlock()
	if err != nil {
		return err
	}
	fromLog, err := entitiesJSON(replayed)
	if err != nil {
		return err
	}
	for k, v := range live {
		if fromLog[k] != v {
			return fmt.Errorf("%s in memory:\n  %s\nreplayed from the log:\n  %s", k, v, fromLog[k])
		}
	}
	for k, v := range fromLog {
		if _, ok := live[k]; !ok {
			return fmt.Errorf("%s is in the log but not in memory: %s", k, v)
		}
	}
	return nil
}

// entitiesJSON is the JSON of every entity of st by collection and key,
// plus the single values and the audit log.
func entitiesJSON(st *store) (map[string]string, error) {
	out := map[string]string{}
	add := func(key string, v any) error {
		raw, err := json.Marshal(v)
		out[key] = string(raw)
		return err
	}
	if err := add("single values", st.single()); err != nil {
		return nil, err
	}
	if err := add("audit log", st.Audit); err != nil {
		return nil, err
	}
	for _, c := range st.Conns {
		if err := add("connection "+c.ID, c); err != nil {
			return nil, err
		}
	}
	for _, u := range st.Users {
		if err := add("user "+u.ID, u); err != nil {
			return nil, err
		}
	}
	for _, t := range st.Teams {
		if err := add("team "+teamKey(t), t); err != nil {
			return nil, err
		}
	}
	return out, nil
}
