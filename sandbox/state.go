package sandbox

import (
	"bufio"
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

// stateFile is the version 1 state file, one JSON document; this build
// still reads it, and writes the log of statelog.go.
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
	var head struct {
		Version int `json:"version"`
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if json.Unmarshal(first, &head) != nil {
		// Not one JSON object per line: an indented version 1 file, or junk.
		if err := json.Unmarshal(data, &head); err != nil {
			return false, fmt.Errorf("sandbox state %s is not valid JSON (%v): fix or delete the file to start from the seed", s.statePath, err)
		}
	}
	switch head.Version {
	case logVersion:
		if err := readLog(bufio.NewReader(bytes.NewReader(data)), s.st); err != nil {
			return false, fmt.Errorf("sandbox state %s cannot be read (%v): fix or delete the file to start from the seed", s.statePath, err)
		}
	case 1:
		if err := json.Unmarshal(data, &stateFile{Store: s.st}); err != nil {
			return false, fmt.Errorf("sandbox state %s is not valid JSON (%v): fix or delete the file to start from the seed", s.statePath, err)
		}
	default:
		return false, fmt.Errorf("sandbox state %s has version %d, this build reads versions 1 and %d: delete the file to start from the seed", s.statePath, head.Version, logVersion)
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
	// written is what the state file holds (statelog.go); nil until the
	// first snapshot of this run.
	written *written
	// compactAt overrides minCompactSize (tests).
	compactAt int64
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
		err := s.persist()
		sv.mu.Lock()
		sv.done, sv.err = target, err
		sv.writes++
		sv.cond.Broadcast()
	}
	sv.leading = false
	sv.cond.Broadcast()
	return sv.err
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
	s.router().ServeHTTP(buf, r)
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
