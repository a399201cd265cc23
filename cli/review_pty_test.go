//go:build linux || darwin || freebsd || netbsd || openbsd

package cli

import (
	"os"
	"path/filepath"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// booth review on a real terminal, with no data directory: the summary
// with the local recount, the receipt lookup, and q to leave.
func TestReviewOnATerminal(t *testing.T) {
	dir, keyPath, receipt := publishedDir(t)
	mustBooth(t, "", "--data", dir, "election", "count", "e1", "--key", keyPath)
	file := filepath.Join(t.TempDir(), "e1.bundle")
	mustBooth(t, "", "--data", dir, "election", "publish", "e1", "--out", file, "--key", keyPath)
	// The review needs no data directory: this one cannot be opened, so
	// any attempt to would fail the command.
	t.Setenv(dataDirEnv, filepath.Join(file, "not-a-directory"))

	data, err := os.ReadFile(file)
	must(t, err)
	b, err := bundle.Open(data)
	must(t, err)
	p := startOnPty(t, "review", file, "--signer", b.Signer())

	p.waitFor(0, "matches: the 3 ballots in the ledger count to the published result")
	p.waitFor(p.send("f"), "FIND YOUR BALLOT")
	p.waitFor(p.send(receipt+"\r"), "Counted.")
	p.waitFor(p.send("\x1b"), "Elected: Ken")
	p.send("q")
	p.waitExit("q did not end the review")
}
