package trustee

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"github.com/cloudflare/circl/secretsharing"
	"golang.org/x/crypto/ssh"
)

// keyPair is a trustee's SSH key: the private key in PEM, as ssh-keygen
// writes it, and the public one in authorized_keys form.
type keyPair struct {
	private []byte
	public  string
}

func newKey(t testing.TB, rsaKey bool) keyPair {
	t.Helper()
	var priv any
	if rsaKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		priv = k
	} else {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		priv = k
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{private: pem.EncodeToMemory(block), public: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))}
}

// fixture is an election split among five trustees, threshold 3, one of
// them holding an RSA key, with one ballot sealed to it.
type fixture struct {
	el      Election
	keys    []keyPair
	shares  [][]byte // share files
	ballot  []byte   // sealed to the election
	session *age.X25519Identity
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{}
	var pubs []string
	for i := range 5 {
		k := newKey(t, i == 1)
		f.keys = append(f.keys, k)
		pubs = append(pubs, k.public)
	}
	setup, err := Split("board", 3, pubs)
	if err != nil {
		t.Fatal(err)
	}
	f.el = Election{ID: "board", Fingerprint: "f00d", Threshold: 3, Keys: pubs, Recipient: setup.Recipient, Commitments: setup.Commitments,
		Names: []string{"alice", "bob", "carol", "dave", "erin"}}
	for i, sealed := range setup.Sealed {
		pk, _, _, _, _ := ssh.ParseAuthorizedKey([]byte(pubs[i]))
		data, err := NewShareFile("board", "f00d", i+1, 5, 3, ssh.FingerprintSHA256(pk), sealed).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		f.shares = append(f.shares, data)
	}
	r, err := agessh.ParseRecipient(setup.Recipient)
	if err != nil {
		t.Fatal(err)
	}
	if f.ballot, err = seal([]byte("alice\nbob\n"), r); err != nil {
		t.Fatal(err)
	}
	if f.session, err = age.GenerateX25519Identity(); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) release(t testing.TB, i int) Release {
	t.Helper()
	data, err := MakeRelease(f.shares[i], f.keys[i].private, f.session.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRelease(data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *fixture) open(rs []Release) (age.Identity, error) {
	return f.el.Open(rs, f.session.Recipient().String(), f.session)
}

// subsets lists every subset of size k of {0..n-1}.
func subsets(n, k int) [][]int {
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

func TestAnyThreeOfFiveOpen(t *testing.T) {
	f := newFixture(t)
	all := make([]Release, 5)
	for i := range all {
		all[i] = f.release(t, i)
	}
	sets := subsets(5, 3)
	if len(sets) != 10 {
		t.Fatalf("%d subsets", len(sets))
	}
	for _, set := range sets {
		var rs []Release
		for _, i := range set {
			rs = append(rs, all[i])
		}
		id, err := f.open(rs)
		if err != nil {
			t.Fatalf("trustees %v: %v", set, err)
		}
		plain, err := open(f.ballot, id)
		if err != nil || string(plain) != "alice\nbob\n" {
			t.Fatalf("trustees %v: ballot %q, %v", set, plain, err)
		}
	}
}

// Every two of five: Open refuses and says how many more are needed; and
// the two shares interpolated as if they were enough give a key that does
// not open the ballot.
func TestNoTwoOfFiveOpen(t *testing.T) {
	f := newFixture(t)
	all := make([]Release, 5)
	for i := range all {
		all[i] = f.release(t, i)
	}
	commitments, err := parseCommitments(f.el.Commitments)
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range subsets(5, 2) {
		rs := []Release{all[set[0]], all[set[1]]}
		_, err := f.open(rs)
		if !errors.Is(err, ErrTooFew) || !strings.Contains(err.Error(), "1 more trustee must") {
			t.Fatalf("trustees %v: %v", set, err)
		}
		var shares []secretsharing.Share
		for _, r := range rs {
			sh, err := f.el.share(r, f.session, commitments)
			if err != nil {
				t.Fatal(err)
			}
			shares = append(shares, sh)
		}
		guess, err := secretsharing.Recover(1, shares)
		if err != nil {
			t.Fatal(err)
		}
		id, _, err := identityOf("board", guess)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := open(f.ballot, id); err == nil {
			t.Fatalf("trustees %v: two shares opened the ballot", set)
		}
	}
}

func TestReleasesRefused(t *testing.T) {
	f := newFixture(t)
	good := []Release{f.release(t, 0), f.release(t, 1), f.release(t, 2)}

	other, _ := age.GenerateX25519Identity()
	otherSession, err := MakeRelease(f.shares[3], f.keys[3].private, other.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	// Another election: the same trustees' keys, split for "treasurer".
	otherSetup, err := Split("treasurer", 3, f.el.Keys)
	if err != nil {
		t.Fatal(err)
	}
	pk, _, _, _, _ := ssh.ParseAuthorizedKey([]byte(f.el.Keys[3]))
	otherShare, _ := NewShareFile("treasurer", "f00d", 4, 5, 3, ssh.FingerprintSHA256(pk), otherSetup.Sealed[3]).Marshal()
	otherElection, err := MakeRelease(otherShare, f.keys[3].private, f.session.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	// A share of another election relabelled as this one's: its statement
	// is signed by the right trustee and checks, but the share is not
	// this election's, so the commitments refuse it.
	relabelled, _ := NewShareFile("board", "f00d", 4, 5, 3, ssh.FingerprintSHA256(pk), otherSetup.Sealed[3]).Marshal()
	// MakeRelease itself refuses a relabelled share.
	if _, err := MakeRelease(relabelled, f.keys[3].private, f.session.Recipient().String()); err == nil || !strings.Contains(err.Error(), "altered") {
		t.Fatalf("relabelled share: %v", err)
	}
	corrupt := corruptShare(t, f, 3)
	// Signed by erin's key, claiming dave's share.
	daveByErin := resign(t, f.release(t, 3), f.keys[4])
	tampered := f.release(t, 3)
	// The sealed share swapped for another, its hash in the statement too.
	swapped := f.release(t, 3)
	tampered.Statement = bytes.Replace(tampered.Statement, []byte(tampered.SealedSHA256), []byte(swapped.SealedSHA256), 1)
	tampered.Sealed = swapped.Sealed

	cases := []struct {
		name    string
		release func() Release
		want    string
	}{
		{"another count session", func() Release { r, _ := ParseRelease(otherSession); return r }, "trustee 4 (dave): the release was made for another count session"},
		{"another election", func() Release { r, _ := ParseRelease(otherElection); return r }, "trustee 4 (dave): the release is for election treasurer, not board"},
		{"corrupted share", func() Release { return corrupt }, "trustee 4 (dave): the share fails the commitment check"},
		{"signed by another trustee's key", func() Release { return daveByErin }, "trustee 4 (dave): the release is signed by the key"},
		{"statement changed after signing", func() Release { return tampered }, "trustee 4 (dave): the signature does not verify"},
		{"replayed in the same count", func() Release { return good[0] }, "trustee 1 (alice): released twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.open(append(append([]Release(nil), good...), c.release()))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "nothing was opened") {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
		})
	}
	if _, err := f.open(good); err != nil {
		t.Fatalf("the good releases alone: %v", err)
	}
}

// corruptShare is trustee i's release whose share value is changed: the
// trustee signed it (so only the commitments can tell).
func corruptShare(t *testing.T, f *fixture, i int) Release {
	t.Helper()
	id, err := agessh.ParseIdentity(f.keys[i].private)
	if err != nil {
		t.Fatal(err)
	}
	sf, _ := ParseShareFile(f.shares[i])
	plain, err := open(sf.Sealed, id)
	if err != nil {
		t.Fatal(err)
	}
	_, index, _, _ := parsePlaintext(plain)
	bad, _ := sharePlaintext("board", index, grp.RandomScalar(rand.Reader))
	sealed, err := seal(bad, f.keys[i].recipient(t))
	if err != nil {
		t.Fatal(err)
	}
	sf.Sealed = sealed
	data, _ := sf.Marshal()
	rel, err := MakeRelease(data, f.keys[i].private, f.session.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := ParseRelease(rel)
	return r
}

func (k keyPair) recipient(t *testing.T) age.Recipient {
	r, err := agessh.ParseRecipient(k.public)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// resign signs r's statement with another key.
func resign(t *testing.T, r Release, k keyPair) Release {
	t.Helper()
	signer, err := ssh.ParsePrivateKey(k.private)
	if err != nil {
		t.Fatal(err)
	}
	var data bytes.Buffer
	data.Write(r.Statement)
	sig, err := signStatement(r.Statement, signer)
	if err != nil {
		t.Fatal(err)
	}
	data.Write(sig)
	_ = armorTo(&data, r.Sealed)
	out, err := ParseRelease(data.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}
