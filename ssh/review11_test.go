package ssh

import (
	"path/filepath"
	"testing"

	"vote.example.org/booth/models"
)

// Review of issue 11: New refused a Service without a store ("refusing to
// start a server that cannot authenticate members"); with Service.Store
// unexported the check went, and &models.Service{} (which compiles
// anywhere) now builds a server whose first sign-in or tick dereferences
// a nil store.
func TestReview11NewRefusesServiceWithoutStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssh_host_ed25519_key")
	_, err := InitHostKey(path)
	must(t, err)
	s, err := New(Config{Service: &models.Service{}, HostKeyPath: path})
	if err == nil {
		s.Close()
		t.Error("New builds a server on a Service with no store")
	}
}
