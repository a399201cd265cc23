package models_test

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

const e2eDefinition = `
id = "board-e2e"
title = "Board election (end-to-end test)"
description = "Elect three directors."
method = "meek"
seats = 3
opens_at = 2026-03-01T12:00:00Z
closes_at = 2026-03-03T12:00:00Z
allow_replace = false
publish_ledger = true
tie_seed = "e2e-seed"
`

var e2eCandidates = []string{"amara", "jonas", "mei", "rafael", "sofia", "tariq"}

// e2eMembers writes a member list of n members, each with their own
// ed25519 key, as an officer would import it.
func e2eMembers(t *testing.T, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("id,name,email,key\n")
	for i := range n {
		seed := make([]byte, ed25519.SeedSize)
		for j := range seed {
			seed[j] = byte(rng.Uint32())
		}
		pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
		must(t, err)
		key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
		fmt.Fprintf(&b, "%s,Member %d,%s@example.org,%s m%d@laptop\n", memberID(i), i+1, memberID(i), key, i+1)
	}
	return b.String()
}

// e2eBallot is member i's ballot: a seeded random ranking of some of the
// candidates (possibly none).
func e2eBallot(i int) string {
	rng := rand.New(rand.NewPCG(uint64(i), 2026))
	order := append([]string(nil), e2eCandidates...)
	rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
	n := rng.IntN(len(order) + 1)
	if n == 0 {
		return "blank\n"
	}
	return strings.Join(order[:n], "\n") + "\n"
}

// TestEndToEnd runs a whole election on the SQLite store: 200 members
// imported, a Meek STV election created and opened, 200 ballots cast from
// 200 goroutines while 200 more goroutines try to vote a second time for
// the same members, the close, and the count with the tally key. Exactly
// 200 ballots must be in the box, every duplicate refused, and the result
// equal to counting the same ballots directly with tally.
func TestEndToEnd(t *testing.T) {
	const n = 200
	e := newEnv(t, 0)
	members, err := models.ReadMemberFile("members.csv", strings.NewReader(e2eMembers(t, n)))
	must(t, err)
	must(t, e.store.ImportMembers(ctx, members.Members, officer))

	var toml strings.Builder
	toml.WriteString(e2eDefinition)
	for _, c := range e2eCandidates {
		fmt.Fprintf(&toml, "\n[[candidate]]\nid = %q\nname = %q\n", c, strings.ToUpper(c[:1])+c[1:])
	}
	d, err := models.ParseDefinition("board-e2e.toml", []byte(toml.String()), nil)
	must(t, err)
	keyPath := e.create(t, d)
	e.clock.Set(d.OpensAt)
	must(t, e.svc.Tick(ctx))
	el := e.election(t, d.ID)
	if el.State != models.Open {
		t.Fatalf("election %s at its opening time", el.State)
	}
	e.clock.Set(d.OpensAt.Add(time.Hour))

	// Each member's ballot is fixed, so whichever of their two attempts
	// wins, the box holds the same ballots.
	texts := make([]string, n)
	ballots := make([]models.Ballot, n)
	for i := range n {
		texts[i] = e2eBallot(i)
		ballots[i], err = models.ParseBallot(el.Definition, nil, texts[i])
		must(t, err)
	}
	castTwice(t, e, d.ID, ballots)
	if voted, inBox := boxState(t, e, d.ID); voted != n || inBox != n {
		t.Fatalf("%d roll marks and %d ballots, want %d of each", voted, inBox, n)
	}

	e.clock.Set(d.ClosesAt)
	must(t, e.svc.Tick(ctx))
	res, err := e.svc.Count(ctx, d.ID, keyFile(t, keyPath), officer)
	must(t, err)

	te, opts := models.TallyElection(d, nil, ballots)
	want, err := tally.Count(te, opts)
	must(t, err)
	// Meek counts the ballots that rank someone; blank ones only count
	// towards turnout.
	ranked := 0
	for _, b := range ballots {
		if len(b.Ranks) > 0 {
			ranked++
		}
	}
	if res.Ballots != int64(ranked) || ranked < n*3/4 || len(res.Elected) != 3 {
		t.Fatalf("%d ballots counted (want %d of %d ranking someone), %d elected", res.Ballots, ranked, n, len(res.Elected))
	}
	if got, w := resultJSON(t, res), resultJSON(t, want); got != w {
		t.Fatalf("booth's count differs from tally's on the same ballots:\n%s\nwant\n%s", got, w)
	}
	stored, err := e.store.Result(ctx, d.ID)
	must(t, err)
	if resultJSON(t, stored.Result) != resultJSON(t, want) {
		t.Fatal("the stored result differs from the count")
	}
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	if _, err := models.VerifyChain(log); err != nil {
		t.Fatal(err)
	}
}

// castTwice casts every member's ballot from its own goroutine while as
// many goroutines again try to cast it a second time, all released at
// once. Exactly one attempt per member must succeed, with its own receipt,
// and every other must be refused as a second vote.
func castTwice(t *testing.T, e *env, electionID string, ballots []models.Ballot) {
	t.Helper()
	n := len(ballots)
	var (
		wg                        sync.WaitGroup
		mu                        sync.Mutex
		receipts                  = map[string]bool{}
		accepted, dupes, failures int
		otherErrs                 []error
	)
	start := make(chan struct{})
	for i := range 2 * n {
		wg.Go(func() {
			<-start
			r, err := e.svc.CastBallot(ctx, electionID, models.Caster{MemberID: memberID(i % n)}, ballots[i%n])
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				accepted++
				receipts[r] = true
			case errors.Is(err, models.ErrAlreadyVoted):
				dupes++
			default:
				failures++
				otherErrs = append(otherErrs, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if accepted != n || dupes != n || failures != 0 || len(receipts) != n {
		t.Fatalf("%d casts accepted (%d distinct receipts), %d refused as duplicates, %d failed (%v); want %d, %d, %d, 0",
			accepted, len(receipts), dupes, failures, otherErrs, n, n, n)
	}
}
