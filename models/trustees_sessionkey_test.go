package models_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vote.example.org/booth/models"
)

// A --session-key naming a file that is not a spent count session key of
// this election is never deleted: a tally key file reads as one age
// identity too, and a typo must not delete another election's only key.
func TestStartCountSessionNeverDeletesATallyKey(t *testing.T) {
	e := newEnv(t, 8)
	tallyKey := filepath.Join(t.TempDir(), "other.key")
	other := definition("other")
	_, _, err := e.svc.CreateElection(ctx, other, tallyKey, officer)
	must(t, err)
	before, err := os.ReadFile(tallyKey)
	must(t, err)
	if !strings.Contains(string(before), "AGE-SECRET-KEY-") {
		t.Fatalf("the fixture's tally key file: %q", before)
	}

	newTrusteeRun(t, e, "tr", newTrusteeKeys(t, 5))
	_, err = e.svc.StartCountSession(ctx, "tr", tallyKey, officer)
	after, rerr := os.ReadFile(tallyKey)
	if rerr != nil || string(after) != string(before) {
		t.Fatalf("count session of tr with --session-key %s (err %v): the tally key of election other is gone or changed (%v)", tallyKey, err, rerr)
	}
	if err == nil {
		t.Errorf("a count session was started over another election's tally key file")
	}
}

// Publishing a trustee election deletes the file at --session-key only
// when it holds that session's key, also when the ledger is not published
// (and the key is not otherwise read).
func TestPublishWithTrusteesNeverDeletesAnotherKey(t *testing.T) {
	e := newEnv(t, 8)
	tallyKey := filepath.Join(t.TempDir(), "other.key")
	_, _, err := e.svc.CreateElection(ctx, definition("other"), tallyKey, officer)
	must(t, err)
	before, err := os.ReadFile(tallyKey)
	must(t, err)

	r := newTrusteeRun(t, e, "tr", newTrusteeKeys(t, 5), func(d *models.Definition) { d.PublishLedger = false })
	_, err = e.svc.CountWithTrustees(ctx, "tr", r.keyFile, []models.ReleaseFile{r.release(t, 0), r.release(t, 1), r.release(t, 2)}, officer)
	must(t, err)
	_, err = e.svc.PublishWithTrustees(ctx, "tr", tallyKey, nil, func(p models.Publication) ([]byte, error) { return []byte("bundle"), nil }, officer)
	after, rerr := os.ReadFile(tallyKey)
	if rerr != nil || string(after) != string(before) {
		t.Fatalf("publish of tr with --session-key %s (err %v): the tally key of election other is gone (%v)", tallyKey, err, rerr)
	}
}

// Only a spent session key of the same election is replaced at
// --session-key: the key of an abandoned session of tr is, the live key
// of another election's session is refused and kept; the file says what
// it is, not that it is a tally key.
func TestStartCountSessionReplacesOnlyASpentKeyOfItsElection(t *testing.T) {
	e := newEnv(t, 8)
	keys := newTrusteeKeys(t, 5)
	r := newTrusteeRun(t, e, "tr", keys)
	other := newTrusteeRun(t, e, "tr2", keys)

	header, err := os.ReadFile(r.keyFile)
	must(t, err)
	if want := "# booth count session key for election tr, session " + r.session + "\n"; !strings.HasPrefix(string(header), want) {
		t.Errorf("session key file begins %q, want %q", strings.SplitN(string(header), "\n", 2)[0], want)
	}

	spent := filepath.Join(t.TempDir(), "spent.key")
	must(t, os.Rename(r.keyFile, spent)) // lost: the next start abandons it
	st, err := e.svc.StartCountSession(ctx, "tr", r.keyFile, officer)
	must(t, err)
	st2, err := e.svc.StartCountSession(ctx, "tr", spent, officer)
	if err != nil || st2.Resumed || st2.Key == st.Key || st2.Key == r.session {
		t.Fatalf("start over the abandoned session's key file: %+v, %v; want a new session", st2, err)
	}

	before, err := os.ReadFile(other.keyFile)
	must(t, err)
	_, err = e.svc.StartCountSession(ctx, "tr", other.keyFile, officer)
	if err == nil || !strings.Contains(err.Error(), "holds another key; choose another --session-key") {
		t.Errorf("start over election tr2's live session key: %v", err)
	}
	if after, rerr := os.ReadFile(other.keyFile); rerr != nil || string(after) != string(before) {
		t.Errorf("the session key of tr2 was changed or deleted (%v)", rerr)
	}
}

// Publishing without the ledger does not need the session key but deletes
// it, once it is known to be the session's; when the file is not where
// publish looks, the publication stands and the error says to delete it.
func TestPublishWithTrusteesDeletesItsSessionKey(t *testing.T) {
	e := newEnv(t, 8)
	keys := newTrusteeKeys(t, 5)
	seal := func(p models.Publication) ([]byte, error) { return []byte("bundle"), nil }
	noLedger := func(d *models.Definition) { d.PublishLedger = false }
	for _, moved := range []bool{false, true} {
		id := "tr"
		if moved {
			id = "tr2"
		}
		r := newTrusteeRun(t, e, id, keys, noLedger)
		_, err := e.svc.CountWithTrustees(ctx, id, r.keyFile, []models.ReleaseFile{r.release(t, 0), r.release(t, 1), r.release(t, 2)}, officer)
		must(t, err)
		keyFile := r.keyFile
		if moved {
			keyFile = filepath.Join(t.TempDir(), "elsewhere.key")
		}
		data, err := e.svc.PublishWithTrustees(ctx, id, keyFile, nil, seal, officer)
		if string(data) != "bundle" {
			t.Fatalf("%s: not published: %v", id, err)
		}
		_, serr := os.Stat(r.keyFile)
		switch {
		case !moved && (err != nil || !errors.Is(serr, os.ErrNotExist)):
			t.Errorf("publish of %s with its session key: %v; the key file: %v", id, err, serr)
		case moved && (err == nil || !strings.Contains(err.Error(), "is not there") || serr != nil):
			t.Errorf("publish of %s without its session key file: %v; the key file: %v", id, err, serr)
		}
	}
}
