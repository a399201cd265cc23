package ssh

import (
	"io"
	"os"
	"testing"

	"charm.land/log/v2"
)

// TestMain silences charm's default logger, which wish's bubbletea
// middleware writes to whenever a program ends by its context (every
// dropped session in these tests).
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}
