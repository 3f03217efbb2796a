package upstream

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
)

// KeyBits is the size of the keys GenerateKeyPair creates.
const KeyBits = 2048

// GenerateKeyPair creates an RSA-2048 key pair for the signed protocol in
// dir: "{name}-private.pem" (PKCS#8, mode 0600) and "{name}-public.pem"
// (PKIX, mode 0644, the file to give the vendor). It never overwrites an
// existing file.
func GenerateKeyPair(dir, name string) (privPath, pubPath string, err error) {
	if name == "" || filepath.Base(name) != name {
		return "", "", fmt.Errorf("key name %q must be a plain file name prefix", name)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("keygen: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, KeyBits)
	if err != nil {
		return "", "", fmt.Errorf("keygen: generate RSA key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", fmt.Errorf("keygen: encode private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", fmt.Errorf("keygen: encode public key: %w", err)
	}
	privPath = filepath.Join(dir, name+"-private.pem")
	pubPath = filepath.Join(dir, name+"-public.pem")
	for _, p := range []string{privPath, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return "", "", fmt.Errorf("keygen: %s already exists; remove it or choose another -name", p)
		}
	}
	if err := writePEM(privPath, 0o600, "PRIVATE KEY", der); err != nil {
		return "", "", err
	}
	if err := writePEM(pubPath, 0o644, "PUBLIC KEY", pubDER); err != nil {
		_ = os.Remove(privPath)
		return "", "", err
	}
	return privPath, pubPath, nil
}

// writePEM creates path exclusively with mode perm and writes one PEM block.
func writePEM(path string, perm os.FileMode, typ string, der []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	err = pem.Encode(f, &pem.Block{Type: typ, Bytes: der})
	if err == nil {
		err = f.Chmod(perm) // the umask may have narrowed it; make it exact
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("keygen: write %s: %w", path, err)
	}
	return nil
}
