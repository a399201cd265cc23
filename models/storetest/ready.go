package storetest

import (
	"testing"

	"vote.example.org/booth/models"
)

// A store is ready once opened; closed, it is not, and says so.
func testReady(t *testing.T, s models.Store) {
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("a store just opened is not ready: %v", err)
	}
	must(t, s.Close())
	if err := s.Ready(ctx); err == nil {
		t.Error("a closed store says it is ready")
	}
}
