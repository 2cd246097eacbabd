package tui

import "testing"

func TestBrowserOpener(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	for _, tc := range []struct {
		name string
		goos string
		vars map[string]string
		want bool
	}{
		{"linux desktop", "linux", map[string]string{"DISPLAY": ":0"}, true},
		{"wayland", "linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, true},
		{"linux console", "linux", nil, false},
		{"ssh", "linux", map[string]string{"DISPLAY": ":0", "SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"}, false},
		{"ssh tty on a mac", "darwin", map[string]string{"SSH_TTY": "/dev/ttys001"}, false},
		{"mac", "darwin", nil, true},
	} {
		if got := BrowserOpener(tc.goos, env(tc.vars)) != nil; got != tc.want {
			t.Errorf("%s: opener offered = %v, want %v", tc.name, got, tc.want)
		}
	}
}
