package loadtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// seedMembers registers n active members, member0001 on, with one
// generated key each, and returns their signers in that order.
func seedMembers(ctx context.Context, st models.Store, n int) ([]gossh.Signer, error) {
	members := make([]models.Member, n)
	signers := make([]gossh.Signer, n)
	for i := range members {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		if signers[i], err = gossh.NewSignerFromKey(priv); err != nil {
			return nil, err
		}
		sshPub, err := gossh.NewPublicKey(pub)
		if err != nil {
			return nil, err
		}
		members[i] = models.Member{
			ID: fmt.Sprintf("member%04d", i+1), Name: fmt.Sprintf("Member %d", i+1), Status: models.Active,
			Joined: time.Now().Add(-time.Hour),
			Keys:   []models.Key{{Fingerprint: gossh.FingerprintSHA256(sshPub), Type: sshPub.Type(), Public: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub)))}},
		}
	}
	return signers, st.ImportMembers(ctx, members, "bench")
}

// benchCandidates stand in every benchmark election.
var benchCandidates = []string{"Ada Lovelace", "Grace Hopper", "Ken Thompson", "Barbara Liskov", "Margaret Hamilton"}

// benchElection is a two-seat election open for a day from a minute ago.
func benchElection(id, title string, method tally.Method) models.Definition {
	now := time.Now().UTC().Truncate(time.Second)
	d := models.Definition{
		ID: id, Title: title, Method: method, Seats: 2,
		OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(24 * time.Hour), TieSeed: "bench",
	}
	if method == tally.Schulze {
		d.Seats = 1
	}
	for _, name := range benchCandidates {
		d.Candidates = append(d.Candidates, models.Candidate{ID: strings.ToLower(strings.Fields(name)[0]), Name: name, Statement: "A statement."})
	}
	return d
}

// createOpen creates d, writing its tally key to keyPath, and opens it.
func createOpen(ctx context.Context, svc *models.Service, d models.Definition, keyPath string) error {
	if _, _, err := svc.CreateElection(ctx, d, keyPath, "bench"); err != nil {
		return err
	}
	return svc.OpenElection(ctx, d.ID, "bench")
}

// spawnServe runs 'booth serve --listen addr args...' from the booth
// executable in its own process and waits until it accepts connections.
func spawnServe(ctx context.Context, booth, addr string, args ...string) (*exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, booth, append([]string{"serve", "--listen", addr}, args...)...)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	for range 100 {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return cmd, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, fmt.Errorf("booth serve did not start listening on %s", addr)
}
