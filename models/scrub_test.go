package models_test

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
)

// Issue 10 item 1: a reader of the SQLite database during the close kept
// the WAL, one roll frame and one box frame per cast, and nothing ever
// retried. These tests read the files as bytes, as whoever copies the disk
// would.

// walFrame is one frame of an SQLite WAL: the page it holds and whether it
// ends a transaction.
type walFrame struct {
	pgno   uint32
	commit bool
	page   []byte
}

// walFrames reads every frame of the WAL file, whatever its salts say: a
// frame of an earlier generation of the log is as readable as a live one.
func walFrames(t *testing.T, dbPath string) []walFrame {
	t.Helper()
	data, err := os.ReadFile(dbPath + "-wal")
	if errors.Is(err, os.ErrNotExist) || len(data) == 0 {
		return nil
	}
	must(t, err)
	if len(data) < 32 {
		t.Fatalf("a WAL of %d bytes, shorter than its header", len(data))
	}
	if magic := binary.BigEndian.Uint32(data); magic != 0x377f0682 && magic != 0x377f0683 {
		t.Fatalf("the WAL starts with %#x, not an SQLite WAL magic number", magic)
	}
	ps := int(binary.BigEndian.Uint32(data[8:12]))
	var frames []walFrame
	for off := 32; off+24+ps <= len(data); off += 24 + ps {
		frames = append(frames, walFrame{
			pgno:   binary.BigEndian.Uint32(data[off:]),
			commit: binary.BigEndian.Uint32(data[off+4:]) != 0,
			page:   data[off+24 : off+24+ps],
		})
	}
	return frames
}

// castTrail is what the test knows of an election's casts: its roll keys
// and the receipt hash each member's ballot is filed under.
type castTrail struct {
	election string
	members  []string
	receipts map[string][32]byte // by member
}

// votedRow is the bytes of member's roll row marked as voted: in a WITHOUT
// ROWID record (election_id, member_id, voted) the last serial type, 9 for
// the integer 1, directly precedes the election id.
func (c castTrail) votedRow(member string) []byte {
	return append([]byte{9}, c.election+member...)
}

// links replays the frames in order, as an attacker with a copy of the WAL
// would: a transaction (the frames up to a commit frame) that shows
// exactly one member voted for the first time and exactly one receipt
// hash never seen before ties that member to that ballot.
func (c castTrail) links(frames []walFrame) map[string][32]byte {
	seenVoted, seenReceipt := map[string]bool{}, map[[32]byte]bool{}
	out := map[string][32]byte{}
	var voted []string
	var receipts [][32]byte
	for _, f := range frames {
		for _, m := range c.members {
			if !seenVoted[m] && bytes.Contains(f.page, c.votedRow(m)) && !slices.Contains(voted, m) {
				voted = append(voted, m)
			}
		}
		for _, r := range c.receipts {
			if !seenReceipt[r] && bytes.Contains(f.page, r[:]) && !slices.Contains(receipts, r) {
				receipts = append(receipts, r)
			}
		}
		if !f.commit {
			continue
		}
		if len(voted) == 1 && len(receipts) == 1 {
			out[voted[0]] = receipts[0]
		}
		for _, m := range voted {
			seenVoted[m] = true
		}
		for _, r := range receipts {
			seenReceipt[r] = true
		}
		voted, receipts = nil, nil
	}
	return out
}

// rowsIn counts the frames holding any roll row or any receipt hash of
// the election.
func (c castTrail) rowsIn(frames []walFrame) (roll, box int) {
	for _, f := range frames {
		for _, m := range c.members {
			if bytes.Contains(f.page, []byte(c.election+m)) {
				roll++
				break
			}
		}
		for _, r := range c.receipts {
			if bytes.Contains(f.page, r[:]) {
				box++
				break
			}
		}
	}
	return roll, box
}

// fileInKeyOrder checks the database file as bytes: each roll row and each
// receipt hash lies there exactly once, and within a page the rows lie in
// key order (the order VACUUM writes them), not in cast order.
func (c castTrail) fileInKeyOrder(t *testing.T, dbPath string) {
	t.Helper()
	data, err := os.ReadFile(dbPath)
	must(t, err)
	ps := int(binary.BigEndian.Uint16(data[16:18]))
	if free := binary.BigEndian.Uint32(data[36:40]); free != 0 {
		t.Errorf("the file keeps %d free pages", free)
	}
	check := func(what string, keys [][]byte) {
		t.Helper()
		slices.SortFunc(keys, bytes.Compare)
		var last, dir, lastPage int
		for i, k := range keys {
			if n := bytes.Count(data, k); n != 1 {
				t.Errorf("%s %x lies %d times in the file, want once", what, k, n)
				return
			}
			at := bytes.Index(data, k)
			if page := at / ps; i > 0 && page == lastPage {
				d := 1
				if at < last {
					d = -1
				}
				if dir != 0 && d != dir {
					t.Errorf("the %s rows do not lie in key order within page %d", what, page)
					return
				}
				dir = d
			} else {
				dir = 0
			}
			last, lastPage = at, at/ps
		}
	}
	var roll, box [][]byte
	for _, m := range c.members {
		roll = append(roll, []byte(c.election+m))
	}
	for _, r := range c.receipts {
		box = append(box, append([]byte(c.election), r[:]...))
	}
	check("roll", roll)
	check("box", box)
}

// holdReader opens the database as another program would (an sqlite3
// shell, a backup tool) and keeps a read transaction open until release.
func holdReader(t *testing.T, dbPath string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	must(t, err)
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	must(t, err)
	var n int
	must(t, tx.QueryRow(`SELECT count(*) FROM roll`).Scan(&n))
	done := false
	release = func() {
		if !done {
			done = true
			tx.Rollback()
			db.Close()
		}
	}
	t.Cleanup(release)
	return release
}

// Must show (issue 10 item 1): ballots cast by ten members; another reader
// holds the database through the close. At that moment the WAL still
// ties every member to their receipt hash, and counting refuses. Once the
// reader is gone the server's tick finishes the scrub: then no WAL frame
// holds a roll row or a ballot, the file holds both in key order, and the
// election counts.
func TestScrubForensicReaderDuringClose(t *testing.T) {
	const n = 10
	e := newEnv(t, n)
	d := definition("board")
	keyPath := e.open(t, d)
	dbPath := filepath.Join(e.dir, sqlite.DBFile)
	trail := castTrail{election: d.ID, receipts: map[string][32]byte{}}
	texts := []string{"ada\nken\n", "ken\n", "grace\nada\n", "ken = ada\n", "grace\n"}
	// Cast in an order that is neither the members' nor the receipts'.
	for i := range n {
		m := memberID((i * 7) % n)
		trail.members = append(trail.members, m)
		b, err := models.ParseBallot(d, nil, texts[i%len(texts)])
		must(t, err)
		receipt, err := e.svc.CastBallot(ctx, d.ID, models.Caster{MemberID: m}, b)
		must(t, err)
		norm, err := models.NormalizeReceipt(receipt)
		must(t, err)
		trail.receipts[m] = models.ReceiptHash(d.ID, norm)
	}

	release := holdReader(t, dbPath)
	err := e.svc.CloseElection(ctx, d.ID, officer)
	var se *models.ScrubError
	if !errors.As(err, &se) || !slices.Equal(se.Elections, []string{d.ID}) {
		t.Fatalf("closing while another reader holds the database: %v, want a ScrubError naming %s", err, d.ID)
	}
	if el := e.election(t, d.ID); el.State != models.Closed || !el.ScrubPending {
		t.Fatalf("after that close the election is %s, scrub pending %v; want closed and pending", el.State, el.ScrubPending)
	}
	// The test is not blind: the WAL left by the reader links them all.
	if links := trail.links(walFrames(t, dbPath)); len(links) != n {
		t.Fatalf("with the reader holding the database the WAL links %d of %d members to their receipts; the replay is blind", len(links), n)
	} else {
		for m, r := range links {
			if trail.receipts[m] != r {
				t.Fatalf("the replay tied %s to a receipt that is not theirs", m)
			}
		}
		t.Logf("closed, not scrubbed: replaying the WAL ties %d of %d members to their receipt hashes", len(links), n)
	}
	_, err = e.svc.Count(ctx, d.ID, keyFile(t, keyPath), officer)
	wantErr(t, "counting an election closed but not scrubbed", err, models.ErrNotScrubbed)
	// The server's tick retries and, with the reader still there, fails.
	e.clock.Set(t0.Add(2 * time.Hour))
	wantErr(t, "the tick with the reader still there", e.svc.Tick(ctx), models.ErrNotScrubbed)
	if !e.election(t, d.ID).ScrubPending {
		t.Fatal("a tick that could not scrub cleared the mark")
	}

	release()
	must(t, e.svc.Tick(ctx))
	if e.election(t, d.ID).ScrubPending {
		t.Fatal("after a tick with no other reader the election is still not scrubbed")
	}
	frames := walFrames(t, dbPath)
	if links := trail.links(frames); len(links) != 0 {
		t.Errorf("after the scrub the WAL still ties %d members to their receipts", len(links))
	}
	if roll, box := trail.rowsIn(frames); roll != 0 || box != 0 {
		t.Errorf("after the scrub %d WAL frames hold roll rows and %d hold receipt hashes, want none", roll, box)
	}
	trail.fileInKeyOrder(t, dbPath)
	if _, err := e.svc.Count(ctx, d.ID, keyFile(t, keyPath), officer); err != nil {
		t.Fatalf("counting after the scrub: %v", err)
	}
	log, err := e.store.AuditLog(ctx)
	must(t, err)
	if !slices.ContainsFunc(log, func(a models.AuditEntry) bool { return a.Action == "election.scrub" && a.Actor == models.ClockActor }) {
		t.Error("the audit log has no entry for the tick's scrub")
	}
}

// setScrubPending marks an election "closed, not scrubbed" behind the
// store's back, as migration 0006 does for elections closed by an older
// booth, whose close may have left its WAL behind.
func setScrubPending(t *testing.T, dir, election string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.DBFile)+"?_pragma=busy_timeout(10000)")
	must(t, err)
	defer db.Close()
	_, err = db.Exec(`UPDATE elections SET scrub_pending = 1 WHERE id = ?`, election)
	must(t, err)
}

// Counting, exporting and publishing (the ledger, or only the turnout)
// refuse an election that is not scrubbed, saying what to do; once a
// retry scrubbed it they work.
func TestScrubPendingRefusesCountExportPublish(t *testing.T) {
	e := newEnv(t, 8)
	d := definition("e1")
	_, keyPath := counted(t, e, d)
	setScrubPending(t, e.dir, d.ID)
	seal := func(models.Publication) ([]byte, error) { return []byte("bundle"), nil }
	for _, ledger := range []bool{true, false} {
		if !ledger {
			setPublishLedger(t, e.dir, d.ID, false)
		}
		_, err := e.svc.Publish(ctx, d.ID, keyFile(t, keyPath), seal, officer)
		wantErr(t, "publishing", err, models.ErrNotScrubbed)
		if want := "election e1 is closed but its storage is not scrubbed yet"; err == nil || !strings.HasPrefix(err.Error(), want) ||
			!strings.Contains(err.Error(), "run `booth election compact e1` once other readers of the database have finished") {
			t.Errorf("publishing an election not scrubbed: %v", err)
		}
	}
	_, err := e.svc.Count(ctx, d.ID, keyFile(t, keyPath), officer)
	wantErr(t, "recounting", err, models.ErrNotScrubbed)
	wantErr(t, "exporting", e.svc.Export(ctx, d.ID, filepath.Join(t.TempDir(), "out"), keyFile(t, keyPath), officer), models.ErrNotScrubbed)
	if _, err := e.store.Bundle(ctx, d.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a bundle was stored for an election not scrubbed: %v", err)
	}

	must(t, e.svc.FinishScrubs(ctx, models.ScrubRetryWait, officer))
	if e.election(t, d.ID).ScrubPending {
		t.Fatal("FinishScrubs with no other reader left the election pending")
	}
	if _, err := e.svc.Publish(ctx, d.ID, keyFile(t, keyPath), seal, officer); err != nil {
		t.Fatalf("publishing after the scrub: %v", err)
	}
	must(t, e.svc.Export(ctx, d.ID, filepath.Join(t.TempDir(), "out"), keyFile(t, keyPath), officer))
}

// setPublishLedger changes a stored definition's publish_ledger.
func setPublishLedger(t *testing.T, dir, election string, on bool) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.DBFile)+"?_pragma=busy_timeout(10000)")
	must(t, err)
	defer db.Close()
	_, err = db.Exec(`UPDATE elections SET definition = json_set(definition, '$.PublishLedger', json(?)) WHERE id = ?`, map[bool]string{true: "true", false: "false"}[on], election)
	must(t, err)
}
