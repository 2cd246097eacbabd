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
