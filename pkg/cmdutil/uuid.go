package cmdutil

import (
	"crypto/rand"
	"fmt"
)

// NewUUID returns a random (version 4) UUID, the form of ID that Hydra
// generates for a client and that Hydra v2's CLI gives a key without a kid.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails: see crypto/rand.Read
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
