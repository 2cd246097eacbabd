package sandbox

import (
	"regexp"
	"strings"
	"testing"
)

// TestValidTeamNameIsDockersRule: validTeamName accepts exactly what the
// rule written as a regexp accepts.
func TestValidTeamNameIsDockersRule(t *testing.T) {
	rule := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$`)
	names := []string{"", "a", "A", "0", "_", "-", "-a", "_a", "a-", "a_", "a b", "a.b", "team-1_x", "é", "aé",
		strings.Repeat("a", 29), strings.Repeat("a", 30), strings.Repeat("a", 31), "a\n", "a/b", "Z9"}
	for c := 0; c < 256; c++ {
		names = append(names, string(rune(c)), "a"+string(byte(c)), string(byte(c))+"a")
	}
	for _, n := range names {
		if got, want := validTeamName(n), rule.MatchString(n); got != want {
			t.Errorf("validTeamName(%q) = %v, want %v", n, got, want)
		}
	}
}
