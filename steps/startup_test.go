package steps_test

import (
	"testing"

	"github.com/docker-scim/docker-scim/cli"
	"github.com/docker-scim/docker-scim/steps"
)

// decodedAtStart is read once every package of the binary is initialised:
// cli imports the engine, the TUI, the client and the sandbox.
var decodedAtStart = steps.Decoded()

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
