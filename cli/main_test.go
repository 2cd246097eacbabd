package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/internal/testwait"
)

// TestSandboxCommandJSON runs `docker-scim sandbox --json`, signs in with
// the printed credentials, then stops it with SIGTERM.
func TestSandboxCommandJSON(t *testing.T) {
	bin := binary(t)
	cmd := exec.Command(bin, "sandbox", "--addr", "127.0.0.1:0", "--json")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	// A sandbox that never prints is killed, which ends the read.
	killer := time.AfterFunc(testwait.Timeout, func() { _ = cmd.Process.Kill() })
	if !sc.Scan() {
		t.Fatalf("no JSON line within %s: %v", testwait.Timeout, sc.Err())
	}
	killer.Stop()
	var line struct {
		URL, Org, User, PAT, OAT string
	}
	if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
		t.Fatalf("not JSON: %q: %v", sc.Text(), err)
	}
	if !strings.HasPrefix(line.URL, "http://127.0.0.1:") || line.Org == "" || line.User == "" ||
		!strings.HasPrefix(line.PAT, "dckr_pat_") || !strings.HasPrefix(line.OAT, "dckr_oat_") {
		t.Fatalf("incomplete line: %s", sc.Text())
	}
	ctx := context.Background()
	for _, id := range [][2]string{{line.Org, line.OAT}, {line.User, line.PAT}} {
		hub, _ := client.NewHub(line.URL)
		if err := hub.SignIn(ctx, id[0], client.NewSecret(id[1])); err != nil {
			t.Fatalf("sign in as %s: %v", id[0], err)
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() {
		// Read to EOF (the process closes stdout when it exits), then reap it.
		extra := ""
		for sc.Scan() {
			extra += sc.Text() + "\n"
		}
		err := cmd.Wait()
		if extra != "" {
			t.Errorf("more than one line on stdout: %q", extra)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sandbox did not exit cleanly on SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox still running 10 s after SIGTERM")
	}
}

func TestSandboxRefusesNonLoopback(t *testing.T) {
	bin := binary(t)
	// A sandbox that wrongly starts is killed after the deadline.
	ctx, cancel := context.WithTimeout(context.Background(), testwait.Timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "sandbox", "--addr", "0.0.0.0:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "only listens on loopback") {
		t.Fatalf("err=%v out=%s", err, out)
	}
}
