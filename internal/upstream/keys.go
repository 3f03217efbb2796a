package upstream

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// MinKeyBits is the smallest RSA modulus accepted for signing.
const MinKeyBits = 2048

// LoadPrivateKey reads an RSA private key from a PEM file, PKCS#1 ("RSA
// PRIVATE KEY") or PKCS#8 ("PRIVATE KEY"). It refuses a file that group or
// others may access (mode & 0o077 != 0) and tells how to fix it. Errors name
// the file but never contain key material. The key is precomputed, ready
// for fast signing.
func LoadPrivateKey(path string) (*rsa.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("private key %s is a directory, not a PEM file", path)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("private key %s is accessible by group or others (mode %04o); run: chmod 600 %s", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	key, err := ParsePrivateKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("private key %s: %w", path, err)
	}
	return key, nil
}

// ParsePrivateKeyPEM parses the first PEM block of data as an RSA private
// key (PKCS#1 or PKCS#8) of at least MinKeyBits bits and precomputes it.
// Errors never contain key material.
func ParsePrivateKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New(`no PEM block found; expected "-----BEGIN PRIVATE KEY-----" (PKCS#8) or "-----BEGIN RSA PRIVATE KEY-----" (PKCS#1)`)
	}
	if _, encrypted := block.Headers["Proc-Type"]; encrypted || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, errors.New("the key is encrypted with a passphrase; store it unencrypted with mode 0600 instead")
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("PEM block \"RSA PRIVATE KEY\" is not a valid PKCS#1 RSA key")
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("PEM block \"PRIVATE KEY\" is not a valid PKCS#8 key")
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("PKCS#8 key is %T, not RSA", k)
		}
		key = rk
	default:
		return nil, fmt.Errorf("PEM block type %q is not a private key; expected \"PRIVATE KEY\" or \"RSA PRIVATE KEY\"", block.Type)
	}
	if n := key.N.BitLen(); n < MinKeyBits {
		return nil, fmt.Errorf("RSA key has %d bits; at least %d are required", n, MinKeyBits)
	}
	if err := key.Validate(); err != nil {
		return nil, errors.New("RSA key is inconsistent (failed validation)")
	}
	key.Precompute()
	return key, nil
}

// LoadPublicKey reads an RSA public key from a PEM file: PKIX ("PUBLIC
// KEY", what keygen writes) or PKCS#1 ("RSA PUBLIC KEY").
func LoadPublicKey(path string) (*rsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	key, err := ParsePublicKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", path, err)
	}
	return key, nil
}

// ParsePublicKeyPEM parses the first PEM block of data as an RSA public key.
func ParsePublicKeyPEM(data []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New(`no PEM block found; expected "-----BEGIN PUBLIC KEY-----"`)
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block \"PUBLIC KEY\" is not a valid PKIX key: %w", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key is %T, not RSA", k)
		}
		return rk, nil
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block \"RSA PUBLIC KEY\" is not a valid PKCS#1 key: %w", err)
		}
		return k, nil
	default:
		return nil, fmt.Errorf("PEM block type %q is not a public key; expected \"PUBLIC KEY\"", block.Type)
	}
}
