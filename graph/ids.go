package graph

import (
	"crypto/rand"
	"encoding/hex"
)

// newID makes a random id with a readable prefix ("wd-3f2a…").
func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}
