package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// session is one program running on a pseudo-terminal whose output feeds a
// terminal emulator (github.com/charmbracelet/x/vt), which also answers the
// program's terminal queries the way a real terminal would.
type session struct {
	cmd   *exec.Cmd
	ptmx  *os.File
	start time.Time

	mu     sync.Mutex
	emu    *vt.Emulator
	waiter *waiter
	done   chan struct{}
	// readErr is why the output stream ended.
	readErr error
}

// waiter is one pending wait: ok is checked on every screen update and
// hit receives the time of the update that first satisfied it.
type waiter struct {
	ok  func(screen string) bool
	hit chan time.Time
}

// spawn starts argv on a w×h pseudo-terminal with env added to the
// harness's environment.
func spawn(argv []string, env []string, w, h int) (*session, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	s := &session{cmd: cmd, emu: vt.NewEmulator(w, h), done: make(chan struct{})}
	s.start = time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		return nil, fmt.Errorf("start %s on a pty: %w", argv[0], err)
	}
	s.ptmx = ptmx
	go s.readOutput()
	go func() { _, _ = io.Copy(ptmx, s.emu) }() // the emulator's answers to queries
	return s, nil
}

// readOutput feeds the program's output to the emulator and wakes a waiter
// whose condition the new screen meets.
func (s *session) readOutput() {
	defer close(s.done)
	buf := make([]byte, 64<<10)
	for {
		n, err := s.ptmx.Read(buf)
		now := time.Now()
		if n > 0 {
			s.mu.Lock()
			_, _ = s.emu.Write(buf[:n])
			if w := s.waiter; w != nil && w.ok(s.emu.String()) {
				s.waiter = nil
				w.hit <- now
			}
			s.mu.Unlock()
		}
		if err != nil {
			s.readErr = err
			return
		}
	}
}

// screen is the emulator's screen as plain text.
func (s *session) screen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.String()
}

// waitFor returns the time at which the screen first met ok (now, if it
// already does), or an error after timeout.
func (s *session) waitFor(what string, ok func(string) bool, timeout time.Duration) (time.Time, error) {
	return s.sendAndWait("", what, ok, timeout)
}

// sendAndWait types keys (raw bytes such as "j" or "\r", none when empty),
// then waits until the screen meets ok; it returns when that happened. The
// condition is armed before the keys go out, so no frame is missed.
func (s *session) sendAndWait(keys, what string, ok func(string) bool, timeout time.Duration) (time.Time, error) {
	w := &waiter{ok: ok, hit: make(chan time.Time, 1)}
	s.mu.Lock()
	if ok(s.emu.String()) {
		s.mu.Unlock()
		return time.Now(), nil
	}
	s.waiter = w
	s.mu.Unlock()
	if keys != "" {
		if _, err := io.WriteString(s.ptmx, keys); err != nil {
			return time.Time{}, fmt.Errorf("type %q: %w", keys, err)
		}
	}
	select {
	case t := <-w.hit:
		return t, nil
	case <-s.done:
		return time.Time{}, fmt.Errorf("the program's output ended (%v) while waiting for %s; screen:\n%s", s.readErr, what, s.screen())
	case <-time.After(timeout):
		s.mu.Lock()
		s.waiter = nil
		s.mu.Unlock()
		return time.Time{}, fmt.Errorf("no %s after %s; screen:\n%s", what, timeout, s.screen())
	}
}

// waitText waits for text on screen.
func (s *session) waitText(text string, timeout time.Duration) (time.Time, error) {
	return s.waitFor(fmt.Sprintf("%q on screen", text), func(sc string) bool { return strings.Contains(sc, text) }, timeout)
}

// send types keys (raw bytes, e.g. "j" or "\r") and returns when they were
// written.
func (s *session) send(keys string) (time.Time, error) {
	t := time.Now()
	_, err := io.WriteString(s.ptmx, keys)
	return t, err
}

// peakRSS is the process's peak resident set size in kB (VmHWM). It is read
// from /proc while the program runs: the rusage of a child started by Go
// counts the parent's memory from before exec (the child shares it until
// then), which would add the harness's own RSS to every program.
func (s *session) peakRSS() (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
			}
			return kb, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", s.cmd.Process.Pid)
}

// wait waits for the program to exit.
func (s *session) wait(timeout time.Duration) error {
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	var err error
	select {
	case err = <-exited:
	case <-time.After(timeout):
		_ = s.cmd.Process.Kill()
		<-exited
		err = fmt.Errorf("did not exit within %s; screen:\n%s", timeout, s.screen())
	}
	_ = s.ptmx.Close()
	return err
}

// kill stops the program and releases the pty.
func (s *session) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	_ = s.ptmx.Close()
}

// cpuTime is the CPU time (user and system) the process used so far, read
// from the scheduler statistics of each of its threads (nanoseconds).
func cpuTime(pid int) (time.Duration, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, fmt.Errorf("read threads of %d: %w", pid, err)
	}
	var total time.Duration
	for _, t := range tasks {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue // the thread exited in between
		}
		var ns int64
		if _, err := fmt.Sscan(string(raw), &ns); err == nil {
			total += time.Duration(ns)
		}
	}
	return total, nil
}
