package steps

// Decoded reports whether the data files were decoded (tests only).
func Decoded() bool {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	return current != nil
}
