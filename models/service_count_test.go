package models_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// keyFile reads a key file as the officers would.
func keyFile(t testing.TB, path string) []age.Identity {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	ids, err := models.ParseIdentities(f)
	must(t, err)
	return ids
}

// resultJSON is a result as tally writes it.
func resultJSON(t testing.TB, r *tally.Result) string {
	t.Helper()
	data, err := r.JSON()
	must(t, err)
	return string(data)
}

// countDirectly counts ballot texts with tally, without booth's box.
func countDirectly(t testing.TB, el models.Election, texts []string) *tally.Result {
	t.Helper()
	var bs []models.Ballot
	for _, text := range texts {
		b, err := models.ParseBallot(el.Definition, el.Withdrawn, text)
		must(t, err)
		bs = append(bs, b)
	}
	te, opts := models.TallyElection(el.Definition, el.Withdrawn, bs)
	res, err := tally.Count(te, opts)
	must(t, err)
	return res
}

var countTexts = []string{"ada\nken\n", "ken\nada\n", "ada\ngrace = ken\n", "grace\n", "blank\n", "ada\n"}

// counted runs an election with countTexts to its count; it returns the
// receipts in member order and the tally key's path.
func counted(t *testing.T, e *env, d models.Definition) ([]string, string) {
	t.Helper()
	keyPath := e.open(t, d)
	var receipts []string
	for i, text := range countTexts {
		receipts = append(receipts, cast(t, e, d.ID, memberID(i), text))
	}
	must(t, e.svc.CloseElection(ctx, d.ID, officer))
	if _, err := e.svc.Count(ctx, d.ID, keyFile(t, keyPath), officer); err != nil {
		t.Fatal(err)
	}
	return receipts, keyPath
}

func TestCount(t *testing.T) {
	e := newEnv(t, 8)
	d := definition("e1")
	keyPath := e.open(t, d)
	for i, text := range countTexts {
		cast(t, e, "e1", memberID(i), text)
	}
	_, err := e.svc.Count(ctx, "e1", keyFile(t, keyPath), officer)
	wantErr(t, "counting an open election", err, models.ErrWrongState)

	must(t, e.svc.CloseElection(ctx, "e1", officer))
	res, err := e.svc.Count(ctx, "e1", keyFile(t, keyPath), officer)
	must(t, err)
	el := e.election(t, "e1")
	want := resultJSON(t, countDirectly(t, el, countTexts))
	if got := resultJSON(t, res); got != want {
		t.Fatalf("count differs from tally on the same ballots:\n%s\nwant\n%s", got, want)
	}
	if res.Ballots != int64(len(countTexts)) || el.State != models.Counted {
		t.Fatalf("%d ballots counted, election %s", res.Ballots, el.State)
	}
	stored, err := e.store.Result(ctx, "e1")
	must(t, err)
	if got := resultJSON(t, stored.Result); got != want {
		t.Fatalf("stored result differs from the count:\n%s", got)
	}
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	if !slices.ContainsFunc(log, func(a models.AuditEntry) bool {
		return a.Actor == officer && a.Detail == "ballots of e1 unsealed for counting (6 ballots)"
	}) {
		t.Error("the unsealing is not in the audit log")
	}
	if _, err := models.VerifyChain(log); err != nil {
		t.Fatal(err)
	}
	// A recount of a counted election gives the same result.
	again, err := e.svc.Count(ctx, "e1", keyFile(t, keyPath), officer)
	must(t, err)
	if resultJSON(t, again) != want {
		t.Fatal("the recount differs")
	}
}

func TestCountRefusesWrongKey(t *testing.T) {
	e := newEnv(t, 2)
	e.open(t, definition("e1"))
	otherKey := e.create(t, definition("e2"))
	cast(t, e, "e1", memberID(0), "ada\n")
	must(t, e.svc.CloseElection(ctx, "e1", officer))
	_, err := e.svc.Count(ctx, "e1", keyFile(t, otherKey), officer)
	if err == nil || !strings.Contains(err.Error(), "key does not open") {
		t.Fatalf("counting with another election's key: %v", err)
	}
	if el := e.election(t, "e1"); el.State != models.Closed {
		t.Fatalf("election %s after a failed count", el.State)
	}
	_, err = e.store.Result(ctx, "e1")
	wantErr(t, "the result after a failed count", err, models.ErrNotFound)
}

// dropOne is a store whose box has lost one ballot.
type dropOne struct{ models.Store }

func (s dropOne) Ballots(ctx_ context.Context, id string) ([]models.SealedBallot, error) {
	bs, err := s.Store.Ballots(ctx_, id)
	if len(bs) > 0 {
		bs = bs[1:]
	}
	return bs, err
}

func TestCountRefusesBallotsRollMismatch(t *testing.T) {
	e := newEnv(t, 8)
	d := definition("e1")
	keyPath := e.open(t, d)
	for i, text := range countTexts {
		cast(t, e, "e1", memberID(i), text)
	}
	must(t, e.svc.CloseElection(ctx, "e1", officer))
	_, err := e.frontEnd(dropOne{e.store}).Count(ctx, "e1", keyFile(t, keyPath), officer)
	wantErr(t, "counting a box with a ballot missing", err, models.ErrMismatch)
	if !strings.Contains(err.Error(), "6 members") || !strings.Contains(err.Error(), "5 ballots") {
		t.Errorf("%q does not give both numbers", err)
	}
	log, _ := e.store.AuditLog(ctx)
	for _, a := range log {
		if strings.Contains(a.Detail, "unsealed") {
			t.Fatalf("ballots were unsealed despite the mismatch: %q", a.Detail)
		}
	}
	if el := e.election(t, "e1"); el.State != models.Closed {
		t.Fatalf("election %s after a refused count", el.State)
	}
}

func TestCountWithOfficerSSHKey(t *testing.T) {
	e := newEnv(t, 3)
	pub, private := sshKey(t, "")
	d := definition("e1")
	d.Recipients = []string{pub}
	_, _, err := e.svc.CreateElection(ctx, d, "", officer)
	must(t, err)
	e.clock.Set(t0)
	must(t, e.svc.Tick(ctx))
	cast(t, e, "e1", memberID(0), "ken\n")
	cast(t, e, "e1", memberID(1), "ken\nada\n")
	must(t, e.svc.CloseElection(ctx, "e1", officer))
	ids, err := models.ParseIdentities(bytes.NewReader(private))
	must(t, err)
	res, err := e.svc.Count(ctx, "e1", ids, officer)
	must(t, err)
	if len(res.Elected) != 1 || res.Candidates[res.Elected[0]].ID != "ken" {
		t.Fatalf("elected %v, want ken", res.Elected)
	}
}

func TestCountSkipsWithdrawnCandidate(t *testing.T) {
	e := newEnv(t, 3)
	keyPath := e.open(t, definition("e1"))
	cast(t, e, "e1", memberID(0), "ada\nken\n")
	cast(t, e, "e1", memberID(1), "ada\ngrace\n")
	must(t, e.store.WithdrawCandidate(ctx, "e1", "ada", officer))
	cast(t, e, "e1", memberID(2), "grace\n")
	must(t, e.svc.CloseElection(ctx, "e1", officer))
	res, err := e.svc.Count(ctx, "e1", keyFile(t, keyPath), officer)
	must(t, err)
	if len(res.Elected) != 1 || res.Candidates[res.Elected[0]].ID != "grace" {
		t.Fatalf("elected %v, want grace (ada withdrawn)", res.Elected)
	}
}

func TestCountYesNo(t *testing.T) {
	e := newEnv(t, 5)
	d := definition("q1")
	d.Method, d.Seats = tally.YesNo, 1
	d.Candidates = []models.Candidate{{ID: "yes", Name: "Yes"}, {ID: "no", Name: "No"}, {ID: "abstain", Name: "Abstain"}}
	d.PassRatio = tally.Ratio{Num: 2, Den: 3}
	keyPath := e.open(t, d)
	for i, text := range []string{"yes\n", "yes\n", "no\n", "abstain\n", "yes\n"} {
		cast(t, e, "q1", memberID(i), text)
	}
	must(t, e.svc.CloseElection(ctx, "q1", officer))
	res, err := e.svc.Count(ctx, "q1", keyFile(t, keyPath), officer)
	must(t, err)
	if !res.Passed || res.Ballots != 5 {
		t.Fatalf("3 yes, 1 no, 1 abstain at 2:3: passed=%v with %d ballots", res.Passed, res.Ballots)
	}
}

func TestExport(t *testing.T) {
	e := newEnv(t, 8)
	d := definition("e1")
	receipts, keyPath := counted(t, e, d)
	dir := filepath.Join(t.TempDir(), "out")
	must(t, e.svc.Export(ctx, "e1", dir, keyFile(t, keyPath), officer))

	var def struct {
		ID          string `json:"id"`
		Fingerprint string `json:"fingerprint"`
		Candidates  []struct{ ID string }
	}
	readJSON(t, filepath.Join(dir, "definition.json"), &def)
	if def.ID != "e1" || def.Fingerprint != d.Fingerprint() || len(def.Candidates) != 3 {
		t.Errorf("definition.json: %+v", def)
	}
	stored, _ := e.store.Result(ctx, "e1")
	result, _ := os.ReadFile(filepath.Join(dir, "result.json"))
	if strings.TrimSpace(string(result)) != resultJSON(t, stored.Result) {
		t.Errorf("result.json differs from the stored result")
	}
	var voters []string
	readJSON(t, filepath.Join(dir, "voters.json"), &voters)
	if want := []string{"m001", "m002", "m003", "m004", "m005", "m006"}; !slices.Equal(voters, want) {
		t.Errorf("voters.json = %q, want %q", voters, want)
	}

	var ledger []struct {
		ReceiptHash string `json:"receipt_hash"`
		Ballot      string `json:"ballot"`
	}
	readJSON(t, filepath.Join(dir, "ledger.json"), &ledger)
	byHash := map[string]string{}
	for i, l := range ledger {
		if i > 0 && ledger[i-1].ReceiptHash >= l.ReceiptHash {
			t.Fatalf("ledger not in receipt-hash order at %d", i)
		}
		byHash[l.ReceiptHash] = l.Ballot
	}
	for i, r := range receipts {
		norm, _ := models.NormalizeReceipt(r)
		h := models.ReceiptHash("e1", norm)
		if got, ok := byHash[hex.EncodeToString(h[:])]; !ok || got != ballot(t, e, "e1", countTexts[i]).Text() {
			t.Errorf("receipt %s finds %q in the ledger, want %q", r, got, countTexts[i])
		}
	}

	// The BLT file recounts to the same result.
	f, err := os.Open(filepath.Join(dir, "ballots.blt"))
	must(t, err)
	defer f.Close()
	blt, err := tally.ReadBLT(f)
	must(t, err)
	_, opts := models.TallyElection(d, nil, nil)
	recount, err := tally.Count(blt, opts)
	must(t, err)
	if resultJSON(t, recount) != resultJSON(t, stored.Result) {
		t.Errorf("ballots.blt recounts differently:\n%s", resultJSON(t, recount))
	}

	// Exporting again into the same directory overwrites nothing.
	err = e.svc.Export(ctx, "e1", dir, keyFile(t, keyPath), officer)
	if err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("a second export into %s: %v", dir, err)
	}
}

func TestExportWithoutLedger(t *testing.T) {
	e := newEnv(t, 8)
	d := definition("e1")
	d.PublishLedger = false
	_, keyPath := counted(t, e, d)
	dir := t.TempDir()
	must(t, e.svc.Export(ctx, "e1", dir, keyFile(t, keyPath), officer))
	if _, err := os.Stat(filepath.Join(dir, "ledger.json")); !errors.Is(err, os.ErrNotExist) {
		t.Error("ledger.json written for an election that does not publish its ledger")
	}
	for _, name := range []string{"definition.json", "result.json", "voters.json", "ballots.blt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

func TestExportRefusesUncounted(t *testing.T) {
	e := newEnv(t, 2)
	keyPath := e.open(t, definition("e1"))
	cast(t, e, "e1", memberID(0), "ada\n")
	dir := filepath.Join(t.TempDir(), "out")
	wantErr(t, "exporting an open election", e.svc.Export(ctx, "e1", dir, keyFile(t, keyPath), officer), models.ErrWrongState)
	must(t, e.svc.CloseElection(ctx, "e1", officer))
	wantErr(t, "exporting an uncounted election", e.svc.Export(ctx, "e1", dir, keyFile(t, keyPath), officer), models.ErrWrongState)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused export created its directory")
	}
}

func TestWriteBLTRoundTrip(t *testing.T) {
	e := &tally.Election{
		Title:      `The "board"`,
		Seats:      2,
		Candidates: []tally.Candidate{{Name: "A"}, {Name: "B  b"}, {Name: "C"}},
		Withdrawn:  []int{2},
		Ballots: []tally.Ballot{
			{Count: 1, Ranks: [][]int{{0}, {1, 2}}},
			{Count: 3, Ranks: [][]int{{1}}},
			{Count: 1},
		},
	}
	got, err := tally.ReadBLT(bytes.NewReader(models.WriteBLT(e)))
	must(t, err)
	if got.Title != "The 'board'" || got.Seats != 2 || len(got.Candidates) != 3 || got.Candidates[1].Name != "B b" {
		t.Fatalf("read back %+v", got)
	}
	if !slices.Equal(got.Withdrawn, e.Withdrawn) || len(got.Ballots) != 3 {
		t.Fatalf("withdrawn %v, %d ballots", got.Withdrawn, len(got.Ballots))
	}
	for i, b := range got.Ballots {
		if b.Count != e.Ballots[i].Count || len(b.Ranks) != len(e.Ballots[i].Ranks) {
			t.Fatalf("ballot %d read back as %+v", i, b)
		}
		for j := range b.Ranks {
			if !slices.Equal(b.Ranks[j], e.Ballots[i].Ranks[j]) {
				t.Fatalf("ballot %d read back as %+v", i, b)
			}
		}
	}
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
