package models_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"github.com/cloudflare/circl/group"
	"github.com/cloudflare/circl/secretsharing"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/trustee"
)

// trusteeKey is a trustee's SSH key pair, as ssh-keygen writes it.
type trusteeKey struct {
	private     []byte
	public      string
	fingerprint string
}

func newTrusteeKeys(t testing.TB, n int) []trusteeKey {
	t.Helper()
	var out []trusteeKey
	for i := range n {
		var priv any
		if i == 1 {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			must(t, err)
			priv = k
		} else {
			_, k, err := ed25519.GenerateKey(rand.Reader)
			must(t, err)
			priv = k
		}
		block, err := ssh.MarshalPrivateKey(priv, "")
		must(t, err)
		signer, err := ssh.NewSignerFromKey(priv)
		must(t, err)
		out = append(out, trusteeKey{private: pem.EncodeToMemory(block),
			public: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))), fingerprint: ssh.FingerprintSHA256(signer.PublicKey())})
	}
	return out
}

// trusteeDefinition is definition(id) with the keys as trustees,
// threshold k.
func trusteeDefinition(id string, k int, keys []trusteeKey) models.Definition {
	d := definition(id)
	d.Trustees = &models.Trustees{Threshold: k}
	for _, key := range keys {
		d.Trustees.Keys = append(d.Trustees.Keys, key.public)
		d.Trustees.Members = append(d.Trustees.Members, "")
	}
	return d
}

// trusteeRun is a closed election with trustees and its count session.
type trusteeRun struct {
	e       *env
	id      string
	keys    []trusteeKey
	shares  [][]byte
	keyFile string
	session string
	texts   []string
}

// newTrusteeRun creates, opens, votes (countTexts) and closes an election
// with five trustees, threshold 3, fetches every share and starts a count
// session.
func newTrusteeRun(t *testing.T, e *env, id string, keys []trusteeKey, edits ...func(*models.Definition)) *trusteeRun {
	t.Helper()
	d := trusteeDefinition(id, 3, keys)
	for _, edit := range edits {
		edit(&d)
	}
	keyOut := filepath.Join(t.TempDir(), "unused.key")
	_, msg, err := e.svc.CreateElection(ctx, d, keyOut, officer)
	must(t, err)
	if !strings.Contains(msg, "any 3 of them") {
		t.Errorf("create says %q", msg)
	}
	if _, err := os.Stat(keyOut); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a trustee election wrote a tally key file: %v", err)
	}
	e.clock.Set(later(e.clock.Now(), t0))
	must(t, e.svc.OpenElection(ctx, id, officer))
	e.clock.Set(later(e.clock.Now(), t0.Add(time.Hour)))
	r := &trusteeRun{e: e, id: id, keys: keys, texts: countTexts}
	for i, text := range countTexts {
		cast(t, e, id, memberID(i), text)
	}
	must(t, e.svc.CloseElection(ctx, id, officer))
	for _, k := range keys {
		share, err := e.svc.TrusteeShare(ctx, id, k.fingerprint, "trustee")
		must(t, err)
		r.shares = append(r.shares, share)
	}
	r.keyFile = filepath.Join(t.TempDir(), id+"-session.key")
	st, err := e.svc.StartCountSession(ctx, id, r.keyFile, officer)
	must(t, err)
	r.session = st.Key
	return r
}

// release is trustee i's release to the run's session.
func (r *trusteeRun) release(t *testing.T, i int) models.ReleaseFile {
	t.Helper()
	data, err := trustee.MakeRelease(r.shares[i], r.keys[i].private, r.session)
	must(t, err)
	return models.ReleaseFile{Name: fmt.Sprintf("release-%d", i+1), Data: data}
}

func subsetsOf(n, k int) [][]int {
	var out [][]int
	var rec func(start int, cur []int)
	rec = func(start int, cur []int) {
		if len(cur) == k {
			out = append(out, append([]int(nil), cur...))
			return
		}
		for i := start; i < n; i++ {
			rec(i+1, append(cur, i))
		}
	}
	rec(0, nil)
	return out
}

// Any 3 of 5 trustees count the election to the result a single tally
// key gives for the same ballots; no 2 of them open anything, and the
// election stays uncounted.
func TestTrusteesCountLikeASingleKey(t *testing.T) {
	e := newEnv(t, 8)
	keys := newTrusteeKeys(t, 5)
	// The single-key twin: the same definition and ballots, one tally key.
	single := definition("twin")
	single.Title = "Board tr"
	counted(t, e, single)
	twin, err := e.store.Result(ctx, "twin")
	must(t, err)

	r := newTrusteeRun(t, e, "tr", keys)
	releases := make([]models.ReleaseFile, 5)
	for i := range releases {
		releases[i] = r.release(t, i)
	}
	for _, set := range subsetsOf(5, 2) {
		_, err := e.svc.CountWithTrustees(ctx, "tr", r.keyFile, []models.ReleaseFile{releases[set[0]], releases[set[1]]}, officer)
		if !errors.Is(err, trustee.ErrTooFew) || !strings.Contains(err.Error(), "1 more trustee must") {
			t.Fatalf("trustees %v: %v", set, err)
		}
		if el := e.election(t, "tr"); el.State != models.Closed {
			t.Fatalf("after two releases the election is %s", el.State)
		}
	}
	want := resultJSON(t, countDirectly(t, e.election(t, "tr"), countTexts))
	if len(twin.Result.Ties) > 0 {
		t.Fatal("the fixture's ballots tie, so the lot would differ between the twins")
	}
	if got := resultJSON(t, twin.Result); got != want {
		t.Fatalf("the single-key count differs from counting the ballots directly:\n%s\n%s", got, want)
	}
	for _, set := range subsetsOf(5, 3) {
		var rs []models.ReleaseFile
		for _, i := range set {
			rs = append(rs, releases[i])
		}
		res, err := e.svc.CountWithTrustees(ctx, "tr", r.keyFile, rs, officer)
		if err != nil {
			t.Fatalf("trustees %v: %v", set, err)
		}
		if got := resultJSON(t, res); got != want {
			t.Fatalf("trustees %v counted\n%s\nwant\n%s", set, got, want)
		}
	}
}

// Releases are refused, naming the trustee and the problem: made for a
// session that was replaced, for another election, or already used by a
// finished count; nothing is counted then.
func TestTrusteeReleasesRefused(t *testing.T) {
	e := newEnv(t, 8)
	keys := newTrusteeKeys(t, 5)
	r := newTrusteeRun(t, e, "tr", keys)
	other := newTrusteeRun(t, e, "tr2", keys)

	oldSession := r.release(t, 0)
	// The officer lost the session's key file: a new session replaces it.
	must(t, os.Remove(r.keyFile))
	st, err := e.svc.StartCountSession(ctx, "tr", r.keyFile, officer)
	must(t, err)
	if st.Resumed || st.Key == r.session {
		t.Fatalf("start without the key file: resumed %v, key %s (old %s)", st.Resumed, st.Key, r.session)
	}
	st2, err := e.svc.StartCountSession(ctx, "tr", r.keyFile, officer)
	must(t, err)
	if !st2.Resumed || st2.Key != st.Key {
		t.Fatalf("start with the key file: resumed %v, key %s (want %s)", st2.Resumed, st2.Key, st.Key)
	}
	r.session = st2.Key
	good := []models.ReleaseFile{r.release(t, 1), r.release(t, 2), r.release(t, 3)}
	otherSession := other.session
	other.session = r.session
	forOther := other.release(t, 4)
	other.session = otherSession

	for _, c := range []struct {
		name  string
		extra models.ReleaseFile
		want  string
	}{
		{"made for a replaced session", oldSession, "trustee 1 (" + keys[0].fingerprint + "): the release was made for another count session"},
		{"for another election", forOther, "trustee 5 (" + keys[4].fingerprint + "): the release is for election tr2, not tr"},
	} {
		_, err := e.svc.CountWithTrustees(ctx, "tr", r.keyFile, append(append([]models.ReleaseFile(nil), good...), c.extra), officer)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "nothing was opened") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if el := e.election(t, "tr"); el.State != models.Closed {
		t.Fatalf("after refused releases the election is %s", el.State)
	}
	if _, err := e.svc.CountWithTrustees(ctx, "tr", r.keyFile, good, officer); err != nil {
		t.Fatal(err)
	}
	// Publishing finishes the session: its releases serve no other count.
	_, err = e.svc.PublishWithTrustees(ctx, "tr", r.keyFile, good, func(p models.Publication) ([]byte, error) {
		if p.Count == nil || len(p.Count.Releases) != 3 {
			t.Errorf("publication's count evidence: %+v", p.Count)
		}
		return []byte("bundle"), nil
	}, officer)
	must(t, err)
	if _, err := os.Stat(r.keyFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the session key file outlived the publication: %v", err)
	}
	_, err = e.svc.StartCountSession(ctx, "tr", r.keyFile, officer)
	must(t, err)
	_, err = e.svc.CountWithTrustees(ctx, "tr", r.keyFile, good[:1], officer)
	if err == nil || !strings.Contains(err.Error(), "trustee 2 ("+keys[1].fingerprint+"): this release was already used") {
		t.Errorf("replayed release: %v", err)
	}
}

// A trustee election publishes only with its count session's evidence.
func TestTrusteePublishNeedsTheCount(t *testing.T) {
	e := newEnv(t, 8)
	r := newTrusteeRun(t, e, "tr", newTrusteeKeys(t, 5))
	seal := func(models.Publication) ([]byte, error) { return []byte("bundle"), nil }
	_, err := e.svc.Count(ctx, "tr", keyFile(t, r.keyFile), officer)
	if err == nil || !strings.Contains(err.Error(), "--trustees") {
		t.Fatalf("a count with one key: %v", err)
	}
	if err := e.svc.Export(ctx, "tr", t.TempDir(), nil, officer); err == nil || !strings.Contains(err.Error(), "opened by its trustees") {
		t.Fatalf("export: %v", err)
	}
	if _, err := e.svc.Publish(ctx, "tr", nil, seal, officer); err == nil {
		t.Fatal("a closed trustee election was published without a count")
	}
	rs := []models.ReleaseFile{r.release(t, 0), r.release(t, 1), r.release(t, 4)}
	_, err = e.svc.CountWithTrustees(ctx, "tr", r.keyFile, rs, officer)
	must(t, err)
	if _, err := e.svc.Publish(ctx, "tr", nil, seal, officer); err == nil || !strings.Contains(err.Error(), "--trustees") {
		t.Fatalf("plain publish of a trustee election: %v", err)
	}
	if _, err := e.svc.PublishWithTrustees(ctx, "tr", r.keyFile, nil, seal, officer); err == nil || !strings.Contains(err.Error(), "--release") {
		t.Fatalf("publishing the ledger without the releases: %v", err)
	}
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	var released int
	for _, l := range log {
		if l.Action == "trustee.release" && strings.Contains(l.Detail, "election tr:") {
			released++
		}
	}
	if released != 3 {
		t.Errorf("%d release entries in the audit log, want 3", released)
	}
}

// The database, its WAL and every file written while creating a trustee
// election hold no share in the clear and not the whole secret. The scan
// is shown not to be blind: the sealed shares are found, and a store that
// keeps the secret (the mutant below) is caught.
func TestTrusteeCreateRawBytes(t *testing.T) {
	e := newEnv(t, 8)
	keys := newTrusteeKeys(t, 5)
	d := trusteeDefinition("tr", 3, keys)
	outDir := t.TempDir()
	_, _, err := e.svc.CreateElection(ctx, d, filepath.Join(outDir, "tr.key"), officer)
	must(t, err)
	e.clock.Set(later(e.clock.Now(), t0))
	must(t, e.svc.OpenElection(ctx, "tr", officer))

	var shares []secretsharing.Share
	var secrets = map[string][]byte{}
	for i, k := range keys {
		data, err := e.svc.TrusteeShare(ctx, "tr", k.fingerprint, "trustee")
		must(t, err)
		sf, err := trustee.ParseShareFile(data)
		must(t, err)
		id, err := agessh.ParseIdentity(k.private)
		must(t, err)
		plain := openAge(t, sf.Sealed, id)
		secrets[fmt.Sprintf("share %d plaintext", i+1)] = plain
		_, b64, _ := strings.Cut(strings.TrimSpace(string(plain)), "value: ")
		raw, err := base64.StdEncoding.DecodeString(b64)
		must(t, err)
		addForms(secrets, fmt.Sprintf("share %d value", i+1), raw)
		v := group.Ristretto255.NewScalar()
		must(t, v.UnmarshalBinary(raw))
		shares = append(shares, secretsharing.Share{ID: group.Ristretto255.NewScalar().SetUint64(uint64(i + 1)), Value: v})
	}
	secret, err := secretsharing.Recover(2, shares[:3])
	must(t, err)
	raw, err := secret.MarshalBinary()
	must(t, err)
	addForms(secrets, "the secret", raw)
	again, err := secretsharing.Recover(2, shares[2:])
	must(t, err)
	if !again.IsEqual(secret) {
		t.Fatal("two sets of three shares recover different secrets: the fixture is wrong")
	}

	scan := func() []string {
		var found []string
		files := 0
		for _, dir := range []string{e.dir, outDir} {
			entries, err := os.ReadDir(dir)
			must(t, err)
			for _, ent := range entries {
				data, err := os.ReadFile(filepath.Join(dir, ent.Name()))
				must(t, err)
				files++
				for label, s := range secrets {
					if bytes.Contains(data, s) {
						found = append(found, label+" in "+ent.Name())
					}
				}
			}
		}
		if files == 0 {
			t.Fatal("no files to scan")
		}
		return found
	}
	if found := scan(); len(found) > 0 {
		t.Fatalf("found in the raw bytes: %v", found)
	}
	// Not blind: the sealed shares themselves are in the files.
	sealed, err := e.store.TrusteeShares(ctx, "tr")
	must(t, err)
	var all []byte
	for _, name := range []string{"booth.db", "booth.db-wal"} {
		data, _ := os.ReadFile(filepath.Join(e.dir, name))
		all = append(all, data...)
	}
	if !bytes.Contains(all, sealed[0][len(sealed[0])-64:]) {
		t.Fatal("the sealed share is not found in the raw bytes: the scan is blind")
	}
	// The mutant: a store that keeps the secret (here in the audit log,
	// as a careless "shares created" entry would) is caught.
	must(t, e.store.Audit(ctx, officer, "trustee.shares", "secret "+hex.EncodeToString(raw)))
	if found := scan(); len(found) == 0 {
		t.Fatal("a stored secret was not found: the scan is blind")
	}
}

// addForms adds b as raw bytes, base64 and hex.
func addForms(m map[string][]byte, label string, b []byte) {
	m[label+" (raw)"] = b
	m[label+" (base64)"] = []byte(base64.StdEncoding.EncodeToString(b))
	m[label+" (hex)"] = []byte(hex.EncodeToString(b))
}

// openAge decrypts sealed with id.
func openAge(t *testing.T, sealed []byte, id age.Identity) []byte {
	t.Helper()
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	must(t, err)
	var out bytes.Buffer
	_, err = out.ReadFrom(r)
	must(t, err)
	return out.Bytes()
}

// Without a published ledger, publishing needs only the count's recorded
// releases, not the files again; it ends the session and deletes its key.
func TestTrusteePublishWithoutLedger(t *testing.T) {
	e := newEnv(t, 8)
	r := newTrusteeRun(t, e, "tr", newTrusteeKeys(t, 5), func(d *models.Definition) { d.PublishLedger = false })
	_, err := e.svc.CountWithTrustees(ctx, "tr", r.keyFile, []models.ReleaseFile{r.release(t, 1), r.release(t, 2), r.release(t, 3)}, officer)
	must(t, err)
	var got *models.CountSession
	_, err = e.svc.PublishWithTrustees(ctx, "tr", r.keyFile, nil, func(p models.Publication) ([]byte, error) {
		got = p.Count
		return []byte("bundle"), nil
	}, officer)
	must(t, err)
	if got == nil || len(got.Releases) != 3 || got.Releases[0].Index != 2 || got.Key != r.session {
		t.Fatalf("the publication's evidence: %+v", got)
	}
	if _, err := os.Stat(r.keyFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the session key file outlived the publication: %v", err)
	}
	sessions, err := e.svc.CountSessions(ctx, "tr")
	must(t, err)
	if len(sessions) != 1 || sessions[0].State != models.SessionFinished {
		t.Errorf("sessions after publishing: %+v", sessions)
	}
}
