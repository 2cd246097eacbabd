// Package textsafe makes text that came from a server safe to print on a
// terminal, in a file or in JSON.
//
// A server (Docker, an identity provider, a hostile stand-in) controls names,
// emails, team names, audit-log fields and error messages. Printed raw, they
// could set the window title (OSC 0), write the clipboard (OSC 52), hide or
// recolour text (SGR), move the cursor, or reorder what the admin reads
// (Unicode bidi overrides). Clean removes all of that and keeps every
// printable character, in any script, including emoji.
//
// The rule, applied by [Clean]:
//   - escape sequences (CSI, OSC, DCS, APC, SOS, PM, two-byte ESC sequences,
//     and their 8-bit C1 forms) are removed whole, terminated or not;
//   - tab, line feed, carriage return, vertical tab and form feed become one
//     space, so a value stays on one line and words stay apart;
//   - every other control character (C0, DEL, C1) and every bidi control
//     (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) is shown as
//     U+FFFD "�", so the admin sees that the server sent something odd;
//   - invalid UTF-8 becomes U+FFFD.
//
// The escape-sequence parser is charmbracelet/x/ansi's, the one the wizard's
// renderer uses, so what it calls a sequence is what a terminal would run.
package textsafe

import (
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Replacement is what a control character is shown as.
const Replacement = "\uFFFD"

// Clean returns s with every escape sequence removed and every other control
// character made visible (see the package comment). Clean(Clean(s)) == Clean(s).
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	s = strings.ToValidUTF8(s, Replacement)
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		seq, _, n, state := ansi.DecodeSequence(s, ansi.NormalState, nil)
		if n <= 0 {
			n = 1
			seq = s[:1]
		}
		s = s[n:]
		if state != ansi.NormalState {
			// An escape sequence that never ends: drop the rest with it.
			break
		}
		if c := seq[0]; c == ansi.ESC || (len(seq) > 1 && c < 0x20) {
			continue // a whole escape sequence
		}
		for _, r := range seq {
			b.WriteString(showRune(r))
		}
	}
	return b.String()
}

// showRune is how one rune of a printable cluster, or a lone control, is
// printed.
func showRune(r rune) string {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
		return " "
	case r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidiControl(r):
		return Replacement
	}
	return string(r)
}

// isBidiControl reports the characters that reorder how text is displayed.
func isBidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// isPlain reports printable ASCII, the common case, which Clean returns as is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// IsClean reports whether Clean would leave s unchanged.
func IsClean(s string) bool {
	if isPlain(s) {
		return true
	}
	return utf8.ValidString(s) && Clean(s) == s
}

// CleanAll cleans, in place, every string reachable from ptr: struct fields
// (exported ones), slice and array elements, map keys and values, pointers
// and interfaces, e.g. a decoded JSON answer. ptr must be a pointer; other
// values are left alone.
func CleanAll(ptr any) {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return
	}
	cleanValue(v.Elem())
}

// cleanValue cleans the settable value v.
func cleanValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !IsClean(s) && v.CanSet() {
			v.SetString(Clean(s))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			cleanValue(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				cleanValue(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			cleanValue(v.Index(i))
		}
	case reflect.Interface:
		if !v.IsNil() && v.CanSet() {
			v.Set(cleanedCopy(v.Elem()))
		}
	case reflect.Map:
		if !v.IsNil() && v.CanSet() {
			v.Set(cleanedCopy(v))
		}
	}
}

// cleanedCopy returns a cleaned copy of v (which may not be settable).
func cleanedCopy(v reflect.Value) reflect.Value {
	if v.Kind() == reflect.String {
		out := reflect.New(v.Type()).Elem()
		out.SetString(Clean(v.String()))
		return out
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v
		}
		inner := cleanedCopy(v.Elem())
		out := reflect.New(v.Type()).Elem()
		out.Set(inner)
		return out
	}
	out := reflect.New(v.Type()).Elem()
	out.Set(v)
	if v.Kind() == reflect.Map && !v.IsNil() {
		// maps share storage: clean a fresh copy, never the caller's
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			m.SetMapIndex(cleanedCopy(iter.Key()), cleanedCopy(iter.Value()))
		}
		return m
	}
	if v.Kind() == reflect.Slice && !v.IsNil() {
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(cleanedCopy(v.Index(i)))
		}
		return s
	}
	cleanValue(out)
	return out
}
