package bundle_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/tally"
)

// largePublication is a counted Meek election of n ballots over 20
// candidates, each ballot a seeded random ranking of up to 8 of them.
func largePublication(b testing.TB, n int) models.Publication {
	b.Helper()
	d := models.Definition{ID: "big", Title: "Big election", Method: tally.Meek, Seats: 5, PublishLedger: true, TieSeed: "seed",
		OpensAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC)}
	var ids []string
	for i := range 20 {
		id := fmt.Sprintf("c%02d", i)
		ids = append(ids, id)
		d.Candidates = append(d.Candidates, models.Candidate{ID: id, Name: "Candidate " + id})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	p := models.Publication{Election: models.Election{Definition: d, State: models.Counted, Fingerprint: d.Fingerprint()},
		Turnout: models.Turnout{Voted: n, Electorate: n}}
	ballots := make([]models.Ballot, n)
	for i := range n {
		order := slices.Clone(ids)
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		text := strings.Join(order[:1+rng.IntN(8)], "\n") + "\n"
		var h [32]byte
		binary.BigEndian.PutUint64(h[:], uint64(i)) // ascending: receipt-hash order
		p.Ledger = append(p.Ledger, models.LedgerEntry{ReceiptHash: h, Ballot: text})
		p.Voters = append(p.Voters, fmt.Sprintf("m%07d", i))
		var err error
		if ballots[i], err = models.ParseBallot(d, nil, text); err != nil {
			b.Fatal(err)
		}
	}
	te, opts := models.TallyElection(d, nil, ballots)
	res, err := tally.Count(te, opts)
	if err != nil {
		b.Fatal(err)
	}
	p.Result = models.StoredResult{Result: res}
	return p
}

// BenchmarkVerify measures booth verify's work on a bundle of 100,000
// ballots: reading it, checking the signature and recounting the ledger.
func BenchmarkVerify(b *testing.B) {
	p := largePublication(b, 100_000)
	signer := newSigner(b)
	data, err := bundle.Sign(p, signer, "")
	must(b, err)
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(b, err)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, r := bundle.Verify(data, bundle.Options{Trust: trust}); !r.OK {
			b.Fatalf("%+v", r)
		}
	}
	b.ReportMetric(float64(len(data))/(1<<20), "MB/bundle")
}

// BenchmarkSign measures writing and signing the same bundle.
func BenchmarkSign(b *testing.B) {
	p := largePublication(b, 100_000)
	signer := newSigner(b)
	b.ResetTimer()
	for b.Loop() {
		data, err := bundle.Sign(p, signer, "")
		if err != nil || !bytes.HasSuffix(data, []byte("-----END SSH SIGNATURE-----\n")) {
			b.Fatal(err)
		}
	}
}
