package models_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

const officer = "officer"

var (
	ctx = context.Background()
	// t0 is when the test elections open; they close two days later.
	t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

// fakeClock is the service's clock in tests; it moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// env is a service on a fresh SQLite store with members m001….
type env struct {
	svc   *models.Service
	store *sqlite.Store
	clock *fakeClock
	dir   string
}

func newEnv(t testing.TB, members int) *env {
	t.Helper()
	dir := t.TempDir()
	// The store's clock is the service's: the store decides the cast
	// window and the lifecycle by it.
	clock := &fakeClock{now: t0.Add(-time.Hour)}
	st, err := sqlite.OpenTestData(dir, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ms := make([]models.Member, members)
	for i := range ms {
		ms[i] = models.Member{ID: memberID(i), Name: fmt.Sprintf("Member %d", i+1), Status: models.Active}
	}
	if members > 0 {
		if err := st.ImportMembers(ctx, ms, officer); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{store: st, clock: clock, dir: dir}
	e.svc = e.frontEnd(st)
	return e
}

// frontEnd is a Service on st, a store that is e's or wraps it, reading
// e's clock: another front end on the same data.
func (e *env) frontEnd(st models.Store) *models.Service {
	svc := models.NewService(st)
	svc.Now = e.clock.Now
	return svc
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func memberID(i int) string { return fmt.Sprintf("m%03d", i+1) }

// definition is a Schulze election of three candidates, open from t0 for
// two days.
func definition(id string) models.Definition {
	return models.Definition{
		ID: id, Title: "Board " + id, Method: tally.Schulze, Seats: 1,
		Candidates: []models.Candidate{
			{ID: "ada", Name: "Ada Lovelace"},
			{ID: "ken", Name: "Ken Thompson"},
			{ID: "grace", Name: "Grace Hopper"},
		},
		OpensAt: t0, ClosesAt: t0.Add(48 * time.Hour), AllowReplace: true, PublishLedger: true,
		TieSeed: "seed-" + id,
	}
}

// create stores d with a generated tally key and returns the key's path.
func (e *env) create(t testing.TB, d models.Definition) string {
	t.Helper()
	keyPath := filepath.Join(t.TempDir(), d.ID+".key")
	if _, _, err := e.svc.CreateElection(ctx, d, keyPath, officer); err != nil {
		t.Fatal(err)
	}
	return keyPath
}

// open creates d and opens it at t0; it returns the tally key's path.
func (e *env) open(t testing.TB, d models.Definition) string {
	t.Helper()
	keyPath := e.create(t, d)
	// Never back: the store refuses a clock that went back.
	e.clock.Set(later(e.clock.Now(), t0))
	if err := e.svc.OpenElection(ctx, d.ID, officer); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(later(e.clock.Now(), t0.Add(time.Hour)))
	return keyPath
}

func (e *env) election(t testing.TB, id string) models.Election {
	t.Helper()
	el, err := e.store.Election(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return el
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func TestCreateElectionWritesTallyKey(t *testing.T) {
	e := newEnv(t, 0)
	keyPath := filepath.Join(t.TempDir(), "tally.key")
	el, msg, err := e.svc.CreateElection(ctx, definition("e1"), keyPath, officer)
	if err != nil {
		t.Fatal(err)
	}
	if el.State != models.Draft || len(el.Recipients) != 1 || !strings.HasPrefix(el.Recipients[0], "age1") {
		t.Fatalf("created %s election with recipients %q, want a draft sealed to one age key", el.State, el.Recipients)
	}
	if !strings.Contains(msg, keyPath) {
		t.Errorf("message %q does not say where the key went", msg)
	}
	fi, err := os.Stat(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(keyPath)
	if !strings.Contains(string(data), "public key: "+el.Recipients[0]) || !strings.Contains(string(data), "AGE-SECRET-KEY-1") {
		t.Fatalf("key file does not hold the election's identity:\n%s", data)
	}
	// The server keeps only the public half.
	secret := strings.TrimSpace(string(data[strings.Index(string(data), "AGE-SECRET-KEY-1"):]))
	for _, name := range []string{sqlite.DBFile, sqlite.DBFile + "-wal"} {
		db, _ := os.ReadFile(filepath.Join(e.dir, name))
		if strings.Contains(strings.ToUpper(string(db)), secret) {
			t.Fatalf("%s holds the tally key's private half", name)
		}
	}
}

func TestCreateElectionRefusesExistingKeyFile(t *testing.T) {
	e := newEnv(t, 0)
	keyPath := filepath.Join(t.TempDir(), "tally.key")
	if err := os.WriteFile(keyPath, []byte("an earlier election's key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.svc.CreateElection(ctx, definition("e1"), keyPath, officer)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("error %v, want a refusal to overwrite", err)
	}
	if data, _ := os.ReadFile(keyPath); string(data) != "an earlier election's key\n" {
		t.Fatalf("the existing key file was changed: %q", data)
	}
	_, err = e.store.Election(ctx, "e1")
	wantErr(t, "the election after a refused create", err, models.ErrNotFound)
}

// createRace is a store in which another front end creates an election
// between the service's check that its id is free and its insert.
type createRace struct{ models.Store }

func (createRace) Election(context.Context, string) (models.Election, error) {
	return models.Election{}, models.ErrNotFound
}

func TestCreateElectionRemovesKeyWhenStoreRefuses(t *testing.T) {
	e := newEnv(t, 0)
	e.create(t, definition("e1"))
	second := filepath.Join(t.TempDir(), "second.key")
	_, _, err := e.frontEnd(createRace{e.store}).CreateElection(ctx, definition("e1"), second, officer)
	wantErr(t, "creating e1 twice", err, models.ErrExists)
	if _, err := os.Stat(second); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the key of the election that was not created is left at %s", second)
	}
}

func TestCreateElectionRefusals(t *testing.T) {
	e := newEnv(t, 0)
	if _, _, err := e.svc.CreateElection(ctx, definition("e1"), "", officer); err == nil {
		t.Error("an election with a generated key was created without a place for the key")
	}
	d := definition("e2")
	d.Recipients = []string{"ssh-dss AAAAB3NzaC1kc3MAAACBAP= old"}
	if _, _, err := e.svc.CreateElection(ctx, d, filepath.Join(t.TempDir(), "k"), officer); err == nil {
		t.Error("an election sealed to a DSA key was created")
	}
	if els, _ := e.store.Elections(ctx); len(els) != 0 {
		t.Errorf("refused creates stored %d elections", len(els))
	}
}

func TestCreateElectionWithOfficerKeys(t *testing.T) {
	e := newEnv(t, 0)
	pub, _ := sshKey(t, "")
	d := definition("e1")
	d.Recipients = []string{pub}
	keyPath := filepath.Join(t.TempDir(), "unused.key")
	el, msg, err := e.svc.CreateElection(ctx, d, keyPath, officer)
	if err != nil {
		t.Fatal(err)
	}
	if len(el.Recipients) != 1 || el.Recipients[0] != pub {
		t.Fatalf("recipients %q, want the officer's key", el.Recipients)
	}
	if _, err := os.Stat(keyPath); !errors.Is(err, os.ErrNotExist) {
		t.Error("a tally key was written although the officers' keys are the recipients")
	}
	if !strings.Contains(msg, "SSH") {
		t.Errorf("message %q does not say ballots are sealed to the officers' keys", msg)
	}
}

func TestOpenAndCloseElection(t *testing.T) {
	e := newEnv(t, 3)
	d := definition("e1")
	e.create(t, d)
	e.clock.Set(t0.Add(-time.Minute)) // officers may open early by hand
	if err := e.svc.OpenElection(ctx, "e1", officer); err != nil {
		t.Fatal(err)
	}
	el := e.election(t, "e1")
	// Opened early, it opens then: the fingerprint is the moved definition's.
	moved := d
	moved.OpensAt = t0.Add(-time.Minute)
	if el.State != models.Open || el.Fingerprint != moved.Fingerprint() || !el.OpenedAt.Equal(t0.Add(-time.Minute)) || !el.OpensAt.Equal(moved.OpensAt) {
		t.Fatalf("opened: state %s, fingerprint %q (want %q), opened at %v, opens at %v", el.State, el.Fingerprint, moved.Fingerprint(), el.OpenedAt, el.OpensAt)
	}
	if roll, _ := e.store.Roll(ctx, "e1"); len(roll) != 3 {
		t.Fatalf("roll of %d, want the 3 members", len(roll))
	}
	wantErr(t, "opening twice", e.svc.OpenElection(ctx, "e1", officer), models.ErrWrongState)
	if err := e.svc.CloseElection(ctx, "e1", officer); err != nil {
		t.Fatal(err)
	}
	if el := e.election(t, "e1"); el.State != models.Closed {
		t.Fatalf("state %s after close", el.State)
	}
	wantErr(t, "closing twice", e.svc.CloseElection(ctx, "e1", officer), models.ErrWrongState)
	wantErr(t, "opening a closed election", e.svc.OpenElection(ctx, "e1", officer), models.ErrWrongState)
	wantErr(t, "opening an unknown election", e.svc.OpenElection(ctx, "nope", officer), models.ErrNotFound)
	wantErr(t, "closing an unknown election", e.svc.CloseElection(ctx, "nope", officer), models.ErrNotFound)
}

func TestTickOpensAndCloses(t *testing.T) {
	e := newEnv(t, 2)
	e.create(t, definition("e1"))
	for _, step := range []struct {
		at   time.Time
		want models.ElectionState
	}{
		{t0.Add(-time.Millisecond), models.Draft},
		{t0, models.Open},
		{t0.Add(48*time.Hour - time.Millisecond), models.Open},
		{t0.Add(48 * time.Hour), models.Closed},
		{t0.Add(96 * time.Hour), models.Closed},
	} {
		e.clock.Set(step.at)
		if err := e.svc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if el := e.election(t, "e1"); el.State != step.want {
			t.Fatalf("at %v: %s, want %s", step.at, el.State, step.want)
		}
	}
}

func TestTickOpensAndClosesALateElection(t *testing.T) {
	// booth was not run during the whole voting period: the election
	// opens and closes in one tick, and no ballot could be cast.
	e := newEnv(t, 2)
	e.create(t, definition("e1"))
	e.clock.Set(t0.Add(72 * time.Hour))
	if err := e.svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if el := e.election(t, "e1"); el.State != models.Closed {
		t.Fatalf("state %s, want closed", el.State)
	}
}

func TestTickExtendsForMissedQuorum(t *testing.T) {
	e := newEnv(t, 4)
	d := definition("e1")
	d.Quorum = models.QuorumRule{Percent: 50, Extend: 24 * time.Hour}
	e.open(t, d)
	cast(t, e, "e1", memberID(0), "ada")

	// 1 of 4 voted at the close: the close moves on by one day.
	e.clock.Set(d.ClosesAt)
	must(t, e.svc.Tick(ctx))
	el := e.election(t, "e1")
	if el.State != models.Open || el.Extensions != 1 || !el.EffectiveClose().Equal(d.ClosesAt.Add(24*time.Hour)) {
		t.Fatalf("after a missed quorum: %s, %d extensions, closes %v", el.State, el.Extensions, el.EffectiveClose())
	}
	// Nobody ran booth for three days: extensions until the close is ahead.
	e.clock.Set(d.ClosesAt.Add(72*time.Hour + time.Hour))
	must(t, e.svc.Tick(ctx))
	el = e.election(t, "e1")
	if el.State != models.Open || el.Extensions != 4 {
		t.Fatalf("after three more days: %s with %d extensions, want open with 4", el.State, el.Extensions)
	}
	// Voting goes on; once the quorum is met the next close ends it.
	cast(t, e, "e1", memberID(1), "ken")
	e.clock.Set(el.EffectiveClose().Add(-time.Millisecond))
	must(t, e.svc.Tick(ctx))
	if el := e.election(t, "e1"); el.State != models.Open {
		t.Fatalf("closed before the effective close: %s", el.State)
	}
	e.clock.Set(el.EffectiveClose())
	must(t, e.svc.Tick(ctx))
	if el := e.election(t, "e1"); el.State != models.Closed || el.Extensions != 4 {
		t.Fatalf("with the quorum met: %s with %d extensions, want closed with 4", el.State, el.Extensions)
	}
}

func TestTickClosesWhenQuorumIsOnlyReported(t *testing.T) {
	e := newEnv(t, 4)
	d := definition("e1")
	d.Quorum = models.QuorumRule{Percent: 50} // no extension: report only
	e.open(t, d)
	e.clock.Set(d.ClosesAt)
	must(t, e.svc.Tick(ctx))
	if el := e.election(t, "e1"); el.State != models.Closed || el.Extensions != 0 {
		t.Fatalf("%s with %d extensions, want closed without", el.State, el.Extensions)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// staleStore answers Elections with what it was given: a front end that
// read the elections just before another front end acted on them.
type staleStore struct {
	models.Store
	elections []models.Election
}

func (s staleStore) Elections(context.Context) ([]models.Election, error) { return s.elections, nil }

// lateFrontEnd is a second front end on e's store whose view of the
// elections is the one they have now.
func (e *env) lateFrontEnd(t *testing.T) *models.Service {
	t.Helper()
	els, err := e.store.Elections(ctx)
	must(t, err)
	return e.frontEnd(staleStore{e.store, els})
}

// Two front ends applying the same missed quorum at once extend the close
// once, and one that finds the election closed by the other leaves it.
func TestTwoFrontEndsApplyTheClockOnce(t *testing.T) {
	e := newEnv(t, 4)
	d := definition("e1")
	d.Quorum = models.QuorumRule{Percent: 50, Extend: 24 * time.Hour}
	e.open(t, d)
	e.clock.Set(d.ClosesAt)
	late := e.lateFrontEnd(t)
	must(t, e.svc.Tick(ctx))
	must(t, late.Tick(ctx))
	if el := e.election(t, "e1"); el.State != models.Open || el.Extensions != 1 {
		t.Fatalf("after two front ends: %s with %d extensions, want open with 1", el.State, el.Extensions)
	}

	cast(t, e, "e1", memberID(0), "ada")
	cast(t, e, "e1", memberID(1), "ken")
	e.clock.Set(d.ClosesAt.Add(24 * time.Hour))
	late = e.lateFrontEnd(t)
	must(t, e.svc.Tick(ctx))
	must(t, late.Tick(ctx))
	if el := e.election(t, "e1"); el.State != models.Closed {
		t.Fatalf("state %s, want closed", el.State)
	}
}
