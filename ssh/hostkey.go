package ssh

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	gossh "golang.org/x/crypto/ssh"
)

// LoadHostKey reads the server's private host key. It refuses a missing
// key (members pin the published fingerprint, so a key must never appear
// silently) and a key that the group or others could read.
func LoadHostKey(path string) (gossh.Signer, error) {
	if path == "" {
		return nil, errors.New("no host key path given")
	}
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no host key at %s: run booth hostkey init", path)
	}
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("host key %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("host key %s is readable by others (mode %04o): run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	return signer, nil
}

// InitHostKey creates an ed25519 host key at path (mode 0600) and its
// public half at path+".pub", and returns the key's SHA256 fingerprint for
// publication. It never replaces an existing key: O_EXCL makes an existing
// file an error even when two front ends race to create it.
func InitHostKey(path string) (string, error) {
	if path == "" {
		return "", errors.New("no host key path given")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	block, err := gossh.MarshalPrivateKey(priv, "booth host key")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("host key directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("%s already exists: booth never replaces a host key (members know its fingerprint)", path)
	}
	if err != nil {
		return "", fmt.Errorf("host key: %w", err)
	}
	_, err = f.Write(pem.EncodeToMemory(block))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("writing the host key %s: %w", path, err)
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		return "", err
	}
	// The public half is derived from the private key, so rewriting it is
	// harmless; it is what `ssh-keygen -r HOST -f FILE.pub` reads to make
	// SSHFP records.
	if err := os.WriteFile(path+".pub", gossh.MarshalAuthorizedKey(sshPub), 0o644); err != nil {
		return "", fmt.Errorf("writing the public host key: %w", err)
	}
	return gossh.FingerprintSHA256(sshPub), nil
}

// Fingerprint is the SHA256 fingerprint of a host key, as ssh prints it.
func Fingerprint(signer gossh.Signer) string {
	return gossh.FingerprintSHA256(signer.PublicKey())
}
