package textsafe

import (
	"strings"
	"testing"
)

func TestCleanRemovesSequencesAndShowsControls(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "Alan Turing <alan@moby.example>", "Alan Turing <alan@moby.example>"},
		{"unicode kept", "Zoë Ñandú 東京 👩‍💻", "Zoë Ñandú 東京 👩‍💻"},
		{"window title OSC 0 BEL", "eng\x1b]0;pwned\x07ineers", "engineers"},
		{"clipboard OSC 52 ST", "team\x1b]52;c;Y3VybCBodHRwczovL2V2aWwuZXhhbXBsZS94IHwgc2g=\x1b\\", "team"},
		{"SGR blink red concealed", "\x1b[5;31mAlan\x1b[0m \x1b[8mhidden\x1b[m", "Alan hidden"},
		{"cursor moves", "a\x1b[2Ab\x1b[10;1Hc\x1b[2K", "abc"},
		{"8-bit CSI as UTF-8", "a\u009b31mb", "a" + Replacement + "31mb"},
		{"raw 8-bit CSI byte", "a\x9b31mb", "a" + Replacement + "31mb"},
		{"DCS", "x\x1bPq#0;2;0;0;0\x1b\\y", "xy"},
		{"APC", "x\x1b_Gf=100;AAAA\x1b\\y", "xy"},
		{"unterminated OSC", "name\x1b]0;title never ends", "name"},
		{"two-byte ESC", "a\x1bcb", "ab"},
		{"bell and backspace", "ding\x07\x08!", "ding" + Replacement + Replacement + "!"},
		{"line breaks and tabs", "a\nb\r\nc\td", "a b  c d"},
		{"DEL", "a\x7fb", "a" + Replacement + "b"},
		{"bidi override", "admin\u202egpj.exe", "admin" + Replacement + "gpj.exe"},
		{"invalid UTF-8", "a\xffb", "a" + Replacement + "b"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Clean(c.in)
			if got != c.want {
				t.Fatalf("Clean(%q) = %q, want %q", c.in, got, c.want)
			}
			if again := Clean(got); again != got {
				t.Fatalf("Clean is not idempotent: %q -> %q", got, again)
			}
			if !IsClean(got) {
				t.Fatalf("IsClean(%q) = false", got)
			}
			if strings.ContainsAny(got, "\x1b\x07\u009b") {
				t.Fatalf("%q still holds a control character", got)
			}
		})
	}
}

func TestIsClean(t *testing.T) {
	if IsClean("a\x1b[31mb") || IsClean("a\nb") || IsClean("a\xffb") {
		t.Fatal("IsClean accepted unsafe text")
	}
	if !IsClean("Zoë") {
		t.Fatal("IsClean refused printable text")
	}
}

type inner struct {
	Name string
	Tags []string
}

type outer struct {
	Title   string
	Ptr     *inner
	List    []inner
	Data    map[string]any
	Named   map[string]string
	private string
}

func TestCleanAllWalksEveryString(t *testing.T) {
	shared := map[string]any{"k": "v\x1b[31m"}
	v := outer{
		Title:   "t\x1b]0;x\x07",
		Ptr:     &inner{Name: "p\x1b[8m", Tags: []string{"a\x07"}},
		List:    []inner{{Name: "l\x1b[5m"}},
		Data:    map[string]any{"nested": map[string]any{"deep": []any{"d\x1b]52;c;AA\x07"}}, "key\x1b[1m": "k", "n": 3.0},
		Named:   map[string]string{"x": "y\x1b[2J"},
		private: "keep\x1b",
	}
	sharedCopy := outer{Data: shared}
	CleanAll(&v)
	CleanAll(&sharedCopy)
	want := []string{v.Title, v.Ptr.Name, v.Ptr.Tags[0], v.List[0].Name, v.Named["x"]}
	for _, s := range want {
		if !IsClean(s) {
			t.Errorf("%q not cleaned", s)
		}
	}
	deep := v.Data["nested"].(map[string]any)["deep"].([]any)[0].(string)
	if deep != "d" {
		t.Errorf("nested map value = %q, want %q", deep, "d")
	}
	if _, ok := v.Data["key"]; !ok {
		t.Errorf("map key not cleaned: %v", v.Data)
	}
	if v.Data["n"] != 3.0 {
		t.Errorf("a number changed: %v", v.Data["n"])
	}
	if v.private != "keep\x1b" {
		t.Errorf("an unexported field was touched")
	}
	if sharedCopy.Data["k"] != "v" {
		t.Errorf("map in a struct not cleaned: %q", sharedCopy.Data["k"])
	}
	CleanAll(v) // not a pointer: ignored, no panic
	CleanAll((*outer)(nil))
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"a\x1b]0;t\x07b", "\x1b[31mx", "\u009b", "\xff", "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if !IsClean(got) {
			t.Fatalf("Clean(%q) = %q is not clean", s, got)
		}
		for _, r := range got {
			if r == 0x1b || r < 0x20 || (r >= 0x7f && r <= 0x9f) {
				t.Fatalf("Clean(%q) = %q holds control %U", s, got, r)
			}
		}
	})
}

func BenchmarkCleanPlain(b *testing.B) {
	s := strings.Repeat("alan.turing@moby.example ", 8)
	for b.Loop() {
		Clean(s)
	}
}
