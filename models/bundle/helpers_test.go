package bundle_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

var ctx = context.Background()

// published is an election run to its end on a real store and published.
type published struct {
	svc      *models.Service
	store    *sqlite.Store
	host     ssh.Signer
	data     []byte            // the bundle
	receipts map[string]string // ballot text → its receipt
	replaced string            // the receipt of the ballot that was replaced
}

// ballots of the test election, one per member; every text is unique so a
// test can find and change one in the bundle.
var testBallots = []string{
	"alma\nbert\n",
	"alma\ncleo\n",
	"bert\nalma\n",
	"cleo\n",
	"alma = bert\n",
	"blank\n",
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newSigner(t testing.TB) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	s, err := ssh.NewSignerFromKey(priv)
	must(t, err)
	return s
}

// publish runs a Schulze election with six voters, one of whom replaces
// their ballot, counts it and publishes it (with its ledger when ledger).
func publish(t testing.TB, ledger bool) *published {
	t.Helper()
	st, err := sqlite.Open(t.TempDir())
	must(t, err)
	t.Cleanup(func() { st.Close() })
	p := &published{store: st, host: newSigner(t), receipts: map[string]string{},
		svc: models.NewService(st)}
	var ms []models.Member
	for i := range testBallots {
		id := string(rune('a'+i)) + "-member"
		ms = append(ms, models.Member{ID: id, Name: "Member " + id, Status: models.Active, Joined: time.Now().Add(-time.Hour)})
	}
	must(t, st.ImportMembers(ctx, ms, "officer"))
	now := time.Now().UTC().Truncate(time.Second)
	d := models.Definition{
		ID: "board", Title: "Board election · Vorstandswahl", Method: tally.Schulze, Seats: 1, FixedOrder: true,
		Candidates: []models.Candidate{
			{ID: "alma", Name: "Alma Ñandú"}, {ID: "bert", Name: "Bert Example"}, {ID: "cleo", Name: "Cleo Example"},
		},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), TieSeed: "seed",
		AllowReplace: true, PublishLedger: ledger,
	}
	identity, recipient, err := models.NewTallyKey()
	must(t, err)
	must(t, st.CreateElection(ctx, models.Election{Definition: d, State: models.Draft, Recipients: []string{recipient}}, "officer"))
	must(t, p.svc.OpenElection(ctx, d.ID, "officer"))
	for i, text := range testBallots {
		cast := text
		if i == 0 {
			cast = "cleo\nbert\n" // replaced below by the real ballot
		}
		b, err := models.ParseBallot(d, nil, cast)
		must(t, err)
		receipt, err := p.svc.CastBallot(ctx, d.ID, models.Caster{MemberID: ms[i].ID}, b)
		must(t, err)
		if i == 0 {
			p.replaced = receipt
			b, err = models.ParseBallot(d, nil, text)
			must(t, err)
			receipt, err = p.svc.ReplaceBallot(ctx, d.ID, models.Caster{MemberID: ms[i].ID}, receipt, b)
			must(t, err)
		}
		p.receipts[text] = receipt
	}
	must(t, p.svc.CloseElection(ctx, d.ID, "officer"))
	ids, err := models.ParseIdentities(strings.NewReader(identity))
	must(t, err)
	_, err = p.svc.Count(ctx, d.ID, ids, "officer")
	must(t, err)
	p.data, err = p.svc.Publish(ctx, d.ID, ids, func(pub models.Publication) ([]byte, error) {
		return bundle.Sign(pub, p.host, "")
	}, "officer")
	must(t, err)
	return p
}

// trust is the reader's anchor for the bundle: the host key's fingerprint,
// as the officers publish it.
func (p *published) trust(t testing.TB) *bundle.Trust {
	t.Helper()
	tr, err := bundle.TrustSigner(ssh.FingerprintSHA256(p.host.PublicKey()))
	must(t, err)
	return tr
}
