package graph

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// SecretBox encrypts data at rest (AES-256-GCM): vendors' signing secrets, taxpayer ids, bank
// account numbers. Its key is derived from HALO_SECRET_KEY and a purpose, so the service secret
// itself never encrypts anything and each kind of data has a key of its own.
type SecretBox struct{ aead cipher.AEAD }

// NewSecretBox derives the encryption key for purpose from the service secret.
func NewSecretBox(serviceSecret []byte, purpose string) *SecretBox {
	m := hmac.New(sha256.New, serviceSecret)
	m.Write([]byte(purpose))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &SecretBox{aead: aead}
}

// Seal encrypts plaintext; the nonce travels in front of the ciphertext.
func (b *SecretBox) Seal(plaintext string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", Internal(err)
	}
	return base64.StdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(plaintext), nil)), nil
}

// Open decrypts what Seal produced.
func (b *SecretBox) Open(sealed string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", Internal(errors.New("sealed secret is malformed"))
	}
	pt, err := b.aead.Open(nil, raw[:b.aead.NonceSize()], raw[b.aead.NonceSize():], nil)
	if err != nil {
		return "", Internal(errors.New("sealed secret does not open with this HALO_SECRET_KEY"))
	}
	return string(pt), nil
}
