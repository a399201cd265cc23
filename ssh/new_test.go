package ssh

import (
	"path/filepath"
	"testing"

	"vote.example.org/booth/models"
)

// New refuses a Service without a store: &models.Service{} compiles
// anywhere, and a server built on it would dereference a nil store at its
// first sign-in or tick.
func TestNewRefusesServiceWithoutStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssh_host_ed25519_key")
	_, err := InitHostKey(path)
	must(t, err)
	s, err := New(Config{Service: &models.Service{}, HostKeyPath: path})
	if err == nil {
		s.Close()
		t.Error("New builds a server on a Service with no store")
	}
}
