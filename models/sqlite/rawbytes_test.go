package sqlite

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// These tests read the database's files as bytes, as someone holding a
// copy of the disk would, not through SQL.

const rawElection = "board-2026"

// rawFile is a database file's bytes with enough of its format known to
// tell which b-tree page an offset falls in.
type rawFile struct {
	data     []byte
	pageSize int
}

func readRaw(t *testing.T, path string) rawFile {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	if len(data) < 100 || !bytes.HasPrefix(data, []byte("SQLite format 3\x00")) {
		t.Fatalf("%s is not an SQLite database file", path)
	}
	ps := int(binary.BigEndian.Uint16(data[16:18]))
	if ps == 1 {
		ps = 65536
	}
	return rawFile{data: data, pageSize: ps}
}

// freelistPages is the header's count of free pages.
func (f rawFile) freelistPages() uint32 { return binary.BigEndian.Uint32(f.data[36:40]) }

// cell is where a pattern was found in an index b-tree page, the kind
// WITHOUT ROWID tables keep their rows in. SQLite's index b-trees are
// B-trees proper: each row lies once, in a leaf or an interior page.
type cell struct {
	page, offset int
	leaf         bool
}

// find returns every place pattern occurs, and whether each lies in an
// index page.
func (f rawFile) find(pattern []byte) (cells []cell, elsewhere int) {
	for from := 0; ; {
		i := bytes.Index(f.data[from:], pattern)
		if i < 0 {
			return cells, elsewhere
		}
		off := from + i
		page := off / f.pageSize
		hdr := page * f.pageSize
		if page == 0 {
			hdr = 100
		}
		switch f.data[hdr] {
		case 0x0a, 0x02: // index leaf, index interior
			cells = append(cells, cell{page, off - page*f.pageSize, f.data[hdr] == 0x0a})
		default:
			elsewhere++
		}
		from = off + 1
	}
}

// positions finds each pattern, which must occur exactly once and in an
// index page, and returns its offset in the file.
func positions(t *testing.T, f rawFile, patterns map[string][]byte) map[string]cell {
	t.Helper()
	at := map[string]cell{}
	for label, p := range patterns {
		cells, elsewhere := f.find(p)
		if len(cells) != 1 || elsewhere != 0 {
			t.Fatalf("%s: %d copies in index pages and %d elsewhere, want one", label, len(cells), elsewhere)
		}
		at[label] = cells[0]
	}
	return at
}

// leafOrderProblems checks that leaf pages, taken by page number, hold
// ascending ranges of keys (order lists the labels in key order), as a
// rewrite in key order leaves them.
func leafOrderProblems(at map[string]cell, order []string) []string {
	first, last := map[int]int{}, map[int]int{}
	for i, label := range order {
		c := at[label]
		if !c.leaf {
			continue
		}
		if _, ok := first[c.page]; !ok {
			first[c.page] = i
		}
		last[c.page] = i
	}
	var pages []int
	for p := range first {
		pages = append(pages, p)
	}
	sort.Ints(pages)
	var problems []string
	for i := 1; i < len(pages); i++ {
		if last[pages[i-1]] > first[pages[i]] {
			problems = append(problems, fmt.Sprintf("leaf pages %d and %d hold interleaved keys", pages[i-1], pages[i]))
		}
	}
	return problems
}

// rawCase is an open election whose ballots were cast in an order drawn
// from a seed; some were replaced.
type rawCase struct {
	s         *Store
	path      string
	ids       []string // members, in ID order
	receipts  map[string][32]byte
	sealed    map[string][]byte // current ballot of each member
	replaced  [][]byte          // ballots that were replaced
	castOrder []string
}

// sealedBlob is a fixed-length opaque ballot with a marker the scan can
// find; it depends on the receipt only, so two runs store equal bytes.
func sealedBlob(kind string, r [32]byte) []byte {
	b := bytes.Repeat([]byte{'.'}, 160)
	copy(b, fmt.Sprintf("<<%s %x>>", kind, r[:8]))
	return b
}

func newRawCase(t *testing.T, seed string) *rawCase {
	const n = 60
	dir := t.TempDir()
	rc := &rawCase{path: filepath.Join(dir, DBFile), ids: memberIDs(n), receipts: map[string][32]byte{}, sealed: map[string][]byte{}}
	rc.s = openStore(t, dir)
	ms := make([]models.Member, n)
	for i, id := range rc.ids {
		ms[i] = member(id)
	}
	must(t, rc.s.ImportMembers(ctx, ms, officer))
	must(t, rc.s.CreateElection(ctx, models.Election{Definition: definition(rawElection)}, officer))
	must(t, storetest.At(rc.s, t0).OpenElection(ctx, rawElection, storetest.Fingerprint(t, rc.s, rawElection), officer))

	rc.castOrder = slices.Clone(rc.ids)
	sort.Slice(rc.castOrder, func(i, j int) bool {
		a, b := sha256.Sum256([]byte(seed+rc.castOrder[i])), sha256.Sum256([]byte(seed+rc.castOrder[j]))
		return bytes.Compare(a[:], b[:]) < 0
	})
	at := t0.Add(time.Hour)
	for _, id := range rc.castOrder {
		rc.receipts[id] = receipt("raw-" + id)
		rc.sealed[id] = sealedBlob("SEALED", rc.receipts[id])
		must(t, storetest.At(rc.s, at).Cast(ctx, models.Cast{ElectionID: rawElection, MemberID: id, ReceiptHash: rc.receipts[id], Sealed: rc.sealed[id]}))
	}
	for _, id := range rc.castOrder {
		if id < "m010" || id > "m014" {
			continue
		}
		nr := receipt("raw-new-" + id)
		ns := sealedBlob("REPLACEMENT", nr)
		must(t, storetest.At(rc.s, at).Replace(ctx, models.Replacement{ElectionID: rawElection, MemberID: id, OldReceipt: rc.receipts[id], NewReceipt: nr, Sealed: ns}))
		rc.replaced = append(rc.replaced, rc.sealed[id])
		rc.receipts[id], rc.sealed[id] = nr, ns
	}
	if slices.Equal(rc.castOrder, rc.ids) || slices.Equal(rc.castOrder, rc.byReceipt()) {
		t.Fatal("the cast order must differ from both the member order and the receipt order")
	}
	return rc
}

// boxPatterns maps each member to the bytes of their ballot's key in the
// box; rollPatterns to their roll row's key.
func (rc *rawCase) boxPatterns() map[string][]byte {
	m := map[string][]byte{}
	for id, r := range rc.receipts {
		m[id] = append([]byte(rawElection), r[:]...)
	}
	return m
}

func (rc *rawCase) rollPatterns() map[string][]byte {
	m := map[string][]byte{}
	for _, id := range rc.ids {
		m[id] = []byte(rawElection + id)
	}
	return m
}

// byReceipt lists the members by their receipt hash.
func (rc *rawCase) byReceipt() []string {
	ids := slices.Clone(rc.ids)
	sort.Slice(ids, func(i, j int) bool {
		a, b := rc.receipts[ids[i]], rc.receipts[ids[j]]
		return bytes.Compare(a[:], b[:]) < 0
	})
	return ids
}

// checkClosed checks one closed election's file on its own.
func (rc *rawCase) checkClosed(t *testing.T) rawFile {
	t.Helper()
	// (1) The WAL, which held a frame per cast in cast order, is empty.
	if fi, err := os.Stat(rc.path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("after the close the WAL holds %d bytes", fi.Size())
	}
	f := readRaw(t, rc.path)
	if n := f.freelistPages(); n != 0 {
		t.Errorf("after the close %d free pages remain", n)
	}
	// (2) The box lies in receipt order, the roll in member order; the
	// replaced ballots are gone.
	for _, p := range leafOrderProblems(positions(t, f, rc.boxPatterns()), rc.byReceipt()) {
		t.Errorf("box after the close: %s", p)
	}
	for _, p := range leafOrderProblems(positions(t, f, rc.rollPatterns()), rc.ids) {
		t.Errorf("roll after the close: %s", p)
	}
	for id, b := range rc.sealed {
		if !bytes.Contains(f.data, b) {
			t.Errorf("ballot of %s missing from the file after the close", id)
		}
	}
	for _, b := range rc.replaced {
		if bytes.Contains(f.data, b[:20]) {
			t.Errorf("replaced ballot %q still in the file after the close", b[:20])
		}
	}
	return f
}

// Two elections with the same members and ballots, cast in different
// orders: after the close, every ballot and every roll row lies at the
// same place in both files, so the file tells nothing of the order.
func TestRawBytesAfterClose(t *testing.T) {
	a, b := newRawCase(t, "order-a"), newRawCase(t, "order-b")
	if slices.Equal(a.castOrder, b.castOrder) {
		t.Fatal("the two runs cast in the same order")
	}
	// While open, the ballots are on disk (in the file or the WAL), so
	// the scans below are not blind.
	open := readRaw(t, a.path).data
	wal, err := os.ReadFile(a.path + "-wal")
	must(t, err)
	open = append(open, wal...)
	for id, blob := range a.sealed {
		if !bytes.Contains(open, blob) {
			t.Fatalf("ballot of %s not found on disk while open", id)
		}
	}

	for _, rc := range []*rawCase{a, b} {
		must(t, storetest.At(rc.s, t0.Add(2*time.Hour)).CloseElection(ctx, rawElection, officer))
	}
	fa, fb := a.checkClosed(t), b.checkClosed(t)
	for _, pat := range []func(*rawCase) map[string][]byte{(*rawCase).boxPatterns, (*rawCase).rollPatterns} {
		pa, pb := positions(t, fa, pat(a)), positions(t, fb, pat(b))
		for label := range pa {
			if pa[label] != pb[label] {
				t.Errorf("%s lies at %+v after one cast order and at %+v after another", label, pa[label], pb[label])
			}
		}
	}
	// The data still reads back whole.
	ballots, err := a.s.Ballots(ctx, rawElection)
	must(t, err)
	voters, err := a.s.Voters(ctx, rawElection)
	must(t, err)
	if len(ballots) != len(a.ids) || len(voters) != len(a.ids) {
		t.Errorf("after the close: %d ballots, %d voters, want %d", len(ballots), len(voters), len(a.ids))
	}
}

// Without the close's rewrite the same scan tells the two cast orders
// apart: the leak is real, and the test above would see it.
func TestRawBytesLeakWhileOpen(t *testing.T) {
	a, b := newRawCase(t, "order-a"), newRawCase(t, "order-b")
	var moved int
	for _, rc := range []*rawCase{a, b} {
		// Move the WAL into the file, as SQLite does from time to time.
		var busy, frames, done int
		must(t, rc.s.db.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done))
	}
	pa := positions(t, readRaw(t, a.path), a.boxPatterns())
	pb := positions(t, readRaw(t, b.path), b.boxPatterns())
	for label := range pa {
		if pa[label] != pb[label] {
			moved++
		}
	}
	if moved == 0 {
		t.Error("before the close the two cast orders left the same layout; this scan cannot tell a leak")
	}
	t.Logf("before the close, %d of %d ballots lie at different places after different cast orders", moved, len(pa))
}
