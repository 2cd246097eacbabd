package steps_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/cli"
	"github.com/docker-scim/docker-scim/steps"
)

// decodedAtStart is read once every package of the binary is initialised:
// cli imports the engine, the TUI, the client and the sandbox.
var decodedAtStart = steps.Decoded() || steps.DecodedDocker()

// TestNothingDecodesTheDataAtStart: no package initialiser decodes the
// checklist data (a package-level value built from it did, and every run
// paid the decode before its first frame). cli.Run is referenced so the
// whole program is linked in.
func TestNothingDecodesTheDataAtStart(t *testing.T) {
	_ = cli.Run
	if decodedAtStart {
		t.Fatal("the steps data was decoded while the program's packages were initialised: build such values when first used")
	}
}

// inFreshProcess runs the test named name again in a process of its own,
// where no other test has decoded the data or left a Preload running, and
// reports whether this is that process.
func inFreshProcess(t *testing.T, name string) bool {
	t.Helper()
	if os.Getenv("STEPS_FRESH_PROCESS") == name {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), "STEPS_FRESH_PROCESS="+name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s in a fresh process: %v\n%s", name, err, out)
	}
	return false
}

// TestBuildingTheCommandsDecodesNoChecklist: building the command tree
// (every run does, before the wizard's first frame) reads Docker's UI
// labels for flag help but decodes no checklist. The --base-url help did
// the full decode, about 6 ms of CPU before every first frame.
func TestBuildingTheCommandsDecodesNoChecklist(t *testing.T) {
	if !inFreshProcess(t, "TestBuildingTheCommandsDecodesNoChecklist") {
		return
	}
	var out, errOut bytes.Buffer
	if code := cli.Run(context.Background(), []string{"--version"}, &cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, "test"); code != 0 {
		t.Fatalf("docker-scim --version: exit code %d; stderr: %s", code, errOut.String())
	}
	if steps.Decoded() {
		t.Fatal("building the commands decoded every checklist: read only what the flags' help needs (steps.Docker decodes docker.yaml alone)")
	}
}

// TestDockerAloneMatchesTheFullDecode: Docker() before the registry is
// loaded decodes docker.yaml alone, and gives what the full decode gives.
func TestDockerAloneMatchesTheFullDecode(t *testing.T) {
	if !inFreshProcess(t, "TestDockerAloneMatchesTheFullDecode") {
		return
	}
	alone := steps.Docker()
	if steps.Decoded() || !steps.DecodedDocker() {
		t.Fatalf("Docker() before the registry is loaded: full decode %v, docker.yaml alone %v; want docker.yaml alone", steps.Decoded(), steps.DecodedDocker())
	}
	restore, err := steps.AddData(nil) // loads the full registry
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	if full := steps.Docker(); !reflect.DeepEqual(alone, full) {
		t.Fatalf("docker.yaml alone gives\n%+v\nthe full decode\n%+v", alone, full)
	}
}
