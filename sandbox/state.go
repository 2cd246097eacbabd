package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// stateVersion is written into the state file so that a future format
// change can be detected instead of misread.
const stateVersion = 1

type stateFile struct {
	Version int    `json:"version"`
	Store   *store `json:"store"`
}

// load reads the state file into the store; false when there is none.
func (s *Server) load() (bool, error) {
	if s.statePath == "" {
		return false, nil
	}
	if err := s.removeStaleTemps(); err != nil {
		return false, err
	}
	data, err := os.ReadFile(s.statePath)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sandbox state: %w", err)
	}
	sf := stateFile{Store: s.st}
	if err := json.Unmarshal(data, &sf); err != nil {
		return false, fmt.Errorf("sandbox state %s is not valid JSON (%v): fix or delete the file to start from the seed", s.statePath, err)
	}
	if sf.Version != stateVersion {
		return false, fmt.Errorf("sandbox state %s has version %d, this build reads version %d: delete the file to start from the seed", s.statePath, sf.Version, stateVersion)
	}
	if s.st.Org.Name == "" || s.st.AdminName == "" {
		return false, fmt.Errorf("sandbox state %s has no organization or admin: delete the file to start from the seed", s.statePath)
	}
	return true, nil
}

// saver writes the state file by group commit: a change waits until a
// snapshot taken after it is on disk, and one snapshot (one encode, one
// fsync) serves every change made while the previous one was being written.
// Under many concurrent writers the file is written a few times per burst,
// not once per request.
type saver struct {
	mu      sync.Mutex
	cond    *sync.Cond
	want    uint64 // changes asked to be saved, numbered from 1
	done    uint64 // every change up to done is on disk (or failed: err)
	err     error  // the outcome of the snapshot that covered done
	leading bool   // a caller is writing snapshots
	// writes counts snapshots written (tests read it).
	writes int
	// beforeWrite, when set, runs before each snapshot is written (tests use
	// it to hold the writer while changes pile up).
	beforeWrite func()
}

// save makes the store durable: it returns once a snapshot taken after the
// call began is on disk. The first caller to find no writer becomes the
// writer and keeps writing while changes keep arriving.
func (s *Server) save() error {
	sv := &s.saver
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.cond == nil {
		sv.cond = sync.NewCond(&sv.mu)
	}
	sv.want++
	mine := sv.want
	for sv.leading && sv.done < mine {
		sv.cond.Wait()
	}
	if sv.done >= mine {
		return sv.err
	}
	sv.leading = true
	for sv.done < sv.want {
		target := sv.want
		hook := sv.beforeWrite
		sv.mu.Unlock()
		if hook != nil {
			hook()
		}
		err := s.writeSnapshot()
		sv.mu.Lock()
		sv.done, sv.err = target, err
		sv.writes++
		sv.cond.Broadcast()
	}
	sv.leading = false
	sv.cond.Broadcast()
	return sv.err
}

// writeSnapshot writes the store to the state file crash-safely: to a
// temporary file in the same directory, synced, then renamed over the old
// one. Only one runs at a time (save's writer).
func (s *Server) writeSnapshot() error {
	s.st.mu.Lock()
	data, err := json.Marshal(stateFile{Version: stateVersion, Store: s.st})
	s.st.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sandbox state: encode: %w", err)
	}
	dir := filepath.Dir(s.statePath)
	tmp, err := os.CreateTemp(dir, filepath.Base(s.statePath)+tmpInfix+"*")
	if err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("sandbox state: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sandbox state: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.statePath); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	return nil
}

// tmpInfix names the temporary files of writeSnapshot: <state>.tmp-<random>.
const tmpInfix = ".tmp-"

// removeStaleTemps deletes the temporary files a killed sandbox left next to
// the state file (a snapshot that was never renamed is never needed).
func (s *Server) removeStaleTemps() error {
	dir, prefix := filepath.Dir(s.statePath), filepath.Base(s.statePath)+tmpInfix
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sandbox state: remove the stale temporary file: %w", err)
		}
	}
	return nil
}

// bufferedResponse holds a response until the state is saved.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// Header is the header of the held response.
func (b *bufferedResponse) Header() http.Header { return b.header }

// Write holds body bytes.
func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// WriteHeader holds the first status written.
func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

// serveAndSave handles a request that may change data, saves the state when
// it succeeded, and only then sends the response; a failed save is a 500 so
// that the caller knows the change will not survive a restart.
func (s *Server) serveAndSave(w http.ResponseWriter, r *http.Request) {
	buf := &bufferedResponse{header: w.Header()}
	s.mux.ServeHTTP(buf, r)
	if buf.status == 0 {
		buf.status = http.StatusOK
	}
	if buf.status < 300 {
		if err := s.save(); err != nil {
			w.Header().Del("Content-Length")
			writeHubError(w, http.StatusInternalServerError, err.Error()+"; the change is applied in memory but will not survive a restart")
			return
		}
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes())
}
