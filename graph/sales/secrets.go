package sales

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/halo-oss/halo/graph"
)

// SecretBox encrypts vendor signing secrets at rest.
type SecretBox = graph.SecretBox

// NewSecretBox is the box for vendors' signing secrets (its purpose string is the one every
// stored secret was sealed with: changing it would make them unreadable).
func NewSecretBox(serviceSecret []byte) *SecretBox {
	return graph.NewSecretBox(serviceSecret, "halo vendor secret encryption v1")
}

// newSigningSecret is 32 random bytes, hex.
func newSigningSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", graph.Internal(err)
	}
	return "whsec_" + hex.EncodeToString(b), nil
}
