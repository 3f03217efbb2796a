package upstream

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"unicode/utf8"
)

// TianyuanSeal encrypts plaintext the way the tianyuan protocol carries
// every payload: AES-128-CBC with PKCS#7 padding and a random IV, encoded as
// base64(IV ‖ ciphertext) with standard padding. key is 16 bytes (see
// ParseAccessKey). The simulator uses it for responses.
func TianyuanSeal(key, plaintext []byte) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("tianyuan cipher: %w", err)
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	buf := make([]byte, aes.BlockSize+len(plaintext)+pad)
	iv := buf[:aes.BlockSize]
	_, _ = rand.Read(iv) // crypto/rand.Read never fails
	body := buf[aes.BlockSize:]
	copy(body, plaintext)
	for i := len(plaintext); i < len(body); i++ {
		body[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(body, body)
	return base64.StdEncoding.EncodeToString(buf), nil
}

// TianyuanOpen reverses TianyuanSeal. Any malformation (bad base64, wrong
// length, wrong key) is an error that says which, without echoing the input.
// A wrong key is caught by the padding, and, because a random block passes
// the padding check about once in 256 tries, also by the plaintext: every
// payload of the protocol is JSON text, and bytes decrypted under the wrong
// key are not UTF-8.
func TianyuanOpen(key []byte, sealed string) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("tianyuan cipher: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, errors.New("tianyuan cipher: payload is not valid base64")
	}
	if len(raw) < 2*aes.BlockSize || len(raw)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("tianyuan cipher: payload of %d bytes is not IV plus whole AES blocks", len(raw))
	}
	iv, body := raw[:aes.BlockSize], raw[aes.BlockSize:]
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(body, body)
	pad := int(body[len(body)-1])
	if pad < 1 || pad > aes.BlockSize {
		return nil, errors.New("tianyuan cipher: bad padding (wrong key?)")
	}
	for _, b := range body[len(body)-pad:] {
		if int(b) != pad {
			return nil, errors.New("tianyuan cipher: bad padding (wrong key?)")
		}
	}
	plain := body[:len(body)-pad]
	if !utf8.Valid(plain) {
		return nil, errors.New("tianyuan cipher: decrypted payload is not text (wrong key?)")
	}
	return plain, nil
}
