package steps

// Decoded reports whether the data files were decoded (tests only).
func Decoded() bool {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	return current != nil
}

// DecodedDocker reports whether data/docker.yaml was decoded on its own
// (tests only).
func DecodedDocker() bool {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	return currentDocker != nil
}

// Forget drops every decoded form of the data, as at start-up, until
// restore (tests only).
func Forget() (restore func()) {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	cat, x, d := current, currentIndex, currentDocker
	current, currentIndex, currentDocker = nil, nil, nil
	return func() {
		catalogMu.Lock()
		defer catalogMu.Unlock()
		current, currentIndex, currentDocker = cat, x, d
	}
}
