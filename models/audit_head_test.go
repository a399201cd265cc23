package models

import (
	"crypto/sha256"
	"strings"
	"testing"
	"time"
)

// chain builds a consistent audit log of n entries, the last of them
// publishing a bundle with SHA-256 sum.
func chain(n int, sum [32]byte) []AuditEntry {
	var log []AuditEntry
	var prev [32]byte
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		action, detail := "election.open", "election e1 opened"
		if i == n {
			action, detail = PublishAction, "election e1 published: results bundle sha256 "+HashString(sum)+" (10 bytes)"
		}
		e := AuditEntry{Seq: int64(i), At: at, Actor: "officer", Action: action, Detail: detail, Prev: prev}
		e.Hash = ChainHash(prev, e.Seq, at, e.Actor, action, detail)
		log, prev = append(log, e), e.Hash
	}
	return log
}

// Issue 10 item 11: a published head catches a chain cut at its end, or
// rewritten from some entry on, which the links alone cannot.
func TestCheckHeadCatchesACutOrRewrittenChain(t *testing.T) {
	sum := sha256.Sum256([]byte("bundle"))
	log := chain(5, sum)
	head := log[3].Hash // the head a bundle published as entry 5 names
	if _, err := VerifyChain(log[:3]); err != nil {
		t.Fatalf("a cut chain is still consistent: %v", err)
	}
	if err := CheckHead(log, 4, head); err != nil {
		t.Errorf("the untouched chain: %v", err)
	}
	if seq, err := FindPublication(log, 4, sum); err != nil || seq != 5 {
		t.Errorf("the publication: %d, %v", seq, err)
	}
	if seq, err := FindHead(log, head); err != nil || seq != 4 {
		t.Errorf("FindHead: %d, %v", seq, err)
	}
	rewritten := chain(4, sum) // a chain rebuilt with other entries
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"cut before the head", CheckHead(log[:3], 4, head), "the audit chain ends at entry 3, before the published head (entry 4"},
		{"cut after the head", func() error { _, err := FindPublication(log[:4], 4, sum); return err }(), "records no publication of this bundle"},
		{"rewritten", CheckHead(rewritten, 4, head), "audit entry 4 is " + HashString(rewritten[3].Hash) + ", but the published head there is"},
		{"no entry 0", CheckHead(log, 0, head), "an audit head is entry 1 or later"},
		{"FindHead after a cut", func() error { _, err := FindHead(log[:3], head); return err }(), "is not in the audit chain, which ends at entry 3 (head " + HashString(log[2].Hash)},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, tc.err, tc.want)
		}
	}
}
