package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/models/trustee"
	"vote.example.org/booth/tally"
)

// publishTrustees runs an election with four trustees, threshold 2, to
// its publication, counted with the releases of trustees 1 and 3.
func publishTrustees(t *testing.T) (data []byte, host ssh.Signer) {
	t.Helper()
	st, err := sqlite.Open(t.TempDir())
	must(t, err)
	t.Cleanup(func() { st.Close() })
	svc := models.NewService(st)
	host = newSigner(t)
	var ms []models.Member
	for _, id := range []string{"a", "b", "c"} {
		ms = append(ms, models.Member{ID: id, Name: id, Status: models.Active, Joined: time.Now().Add(-time.Hour)})
	}
	must(t, st.ImportMembers(ctx, ms, "officer"))
	var privs [][]byte
	tr := &models.Trustees{Threshold: 2}
	for range 4 {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		must(t, err)
		block, err := ssh.MarshalPrivateKey(priv, "")
		must(t, err)
		privs = append(privs, pem.EncodeToMemory(block))
		signer, err := ssh.NewSignerFromKey(priv)
		must(t, err)
		tr.Keys = append(tr.Keys, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))))
		tr.Members = append(tr.Members, "")
	}
	now := time.Now().UTC().Truncate(time.Second)
	d := models.Definition{ID: "board", Title: "Board", Method: tally.Schulze, Seats: 1,
		Candidates: []models.Candidate{{ID: "alma", Name: "Alma"}, {ID: "bert", Name: "Bert"}},
		OpensAt:    now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), TieSeed: "seed", PublishLedger: true, Trustees: tr}
	_, _, err = svc.CreateElection(ctx, d, "", "officer")
	must(t, err)
	must(t, svc.OpenElection(ctx, "board", "officer"))
	for i, text := range []string{"alma\n", "bert\nalma\n", "alma\nbert\n"} {
		b, err := models.ParseBallot(d, nil, text)
		must(t, err)
		_, err = svc.CastBallot(ctx, "board", models.Caster{MemberID: ms[i].ID}, b)
		must(t, err)
	}
	must(t, svc.CloseElection(ctx, "board", "officer"))
	keyFile := filepath.Join(t.TempDir(), "session.key")
	session, err := svc.StartCountSession(ctx, "board", keyFile, "officer")
	must(t, err)
	var releases []models.ReleaseFile
	for _, i := range []int{0, 2} {
		e, err := st.Election(ctx, "board")
		must(t, err)
		pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(e.Trustees.Keys[i]))
		must(t, err)
		share, err := svc.TrusteeShare(ctx, "board", ssh.FingerprintSHA256(pk), "trustee")
		must(t, err)
		rel, err := trustee.MakeRelease(share, privs[i], session.Key)
		must(t, err)
		releases = append(releases, models.ReleaseFile{Name: "r", Data: rel})
	}
	_, err = svc.CountWithTrustees(ctx, "board", keyFile, releases, "officer")
	must(t, err)
	data, err = svc.PublishWithTrustees(ctx, "board", keyFile, releases, func(p models.Publication) ([]byte, error) {
		return bundle.Sign(p, host, "")
	}, "officer")
	must(t, err)
	return data, host
}

// signPayload signs payload again with the host key, as a forger holding it
// would after editing the bundle.
func signPayload(t *testing.T, payload []byte, host ssh.Signer) []byte {
	t.Helper()
	sig, err := sshsig.Sign(bytes.NewReader(payload), host, sshsig.HashSHA512, bundle.Namespace)
	must(t, err)
	return append(append([]byte(nil), payload...), sshsig.Armor(sig)...)
}

// A trustee election's bundle shows which trustees opened its ballots,
// and a verifier fails closed: the section missing, short of the
// threshold, with a release twice or changed, or in a v3 bundle, is
// refused even when the host key signed it.
func TestTrusteeBundle(t *testing.T) {
	data, host := publishTrustees(t)
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(host.PublicKey()))
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust})
	if !r.OK || b.Trustees == nil || len(b.Trustees.Releases) != 2 || b.Trustees.Releases[1].Index != 3 {
		t.Fatalf("the bundle does not verify: %+v", r)
	}
	if c := check(t, r, bundle.CheckTrustees); c.Status != bundle.StatusOK || !strings.Contains(c.Detail, "2 of 4 trustees (threshold 2)") {
		t.Errorf("trustees check: %+v", c)
	}
	payload := data[:bytes.Index(data, []byte("\n-----BEGIN SSH SIGNATURE-----\n"))+1]
	const release = "\n      {\n        \"index\": "
	first := bytes.Index(payload, []byte(release))
	second := first + 1 + bytes.Index(payload[first+1:], []byte(release))
	end := bytes.Index(payload, []byte("\n    ]\n  }\n}\n"))
	section := bytes.Index(payload, []byte(",\n  \"trustees\": {"))
	if first < 0 || second <= first || end < 0 || section < 0 {
		t.Fatal("the trustees section is not where the test looks for it")
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, tc := range []struct {
		name    string
		payload []byte
		want    error
		detail  string
	}{
		{"section removed", cat(payload[:section], []byte("\n}\n")), bundle.ErrTrustees, "holds no releases"},
		{"a release removed", cat(payload[:first], payload[second:]), bundle.ErrTrustees, "it holds 1 releases, but 2 of the 4 trustees must release"},
		{"a release twice", cat(payload[:second], payload[first:second], payload[second:]), bundle.ErrTrustees, "is listed twice"},
		{"a statement changed", bytes.Replace(payload, []byte(`\nsealed-share-sha256: `), []byte(`\nsealed-share-sha256: 0`), 1), bundle.ErrTrustees, "the signature does not verify"},
		{"a statement's session changed", bytes.Replace(payload, []byte(`\ncount-session: age1`), []byte(`\ncount-session: age1x`), 1), bundle.ErrTrustees, "made for another count session"},
		{"threshold 1", bytes.Replace(payload, []byte(`"threshold": 2,`), []byte(`"threshold": 1,`), 1), bundle.ErrTrustees, "threshold 1 with 4 trustees"},
		{"labelled v3", bytes.Replace(payload, []byte(bundle.Format), []byte(bundle.FormatV3), 1), bundle.ErrFormat, "holds a trustees section"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := bundle.Verify(signPayload(t, tc.payload, host), bundle.Options{Trust: trust})
			c := check(t, r, bundle.CheckBundle)
			if r.OK || c.Status != bundle.StatusFailed || !strings.Contains(c.Detail, tc.detail) {
				t.Fatalf("got %+v, want a failed bundle check saying %q", r, tc.detail)
			}
			_, err := bundle.Open(signPayload(t, tc.payload, host))
			if !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
