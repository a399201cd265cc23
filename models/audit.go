package models

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ChainHash is the hash of an audit entry: SHA-256 over the previous hash,
// then the sequence number, the time (Unix seconds) and the actor, action
// and detail, each length-prefixed so no two entries encode alike.
func ChainHash(prev [32]byte, seq int64, at time.Time, actor, action, detail string) [32]byte {
	h := sha256.New()
	h.Write([]byte("booth-audit-v1"))
	h.Write(prev[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(seq))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(at.Unix()))
	h.Write(n[:])
	for _, s := range []string{actor, action, detail} {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// VerifyChain checks every link of the audit log. It returns the head hash
// (which officers publish) or an error naming the first broken entry.
func VerifyChain(log []AuditEntry) ([32]byte, error) {
	var prev [32]byte
	for i, e := range log {
		if e.Seq != int64(i+1) {
			return prev, fmt.Errorf("audit entry %d: sequence number %d, expected %d (an entry was removed or inserted)", i+1, e.Seq, i+1)
		}
		if e.Prev != prev {
			return prev, fmt.Errorf("audit entry %d (%s): does not follow entry %d (an entry before it was changed or removed)", e.Seq, e.Action, e.Seq-1)
		}
		if ChainHash(prev, e.Seq, e.At, e.Actor, e.Action, e.Detail) != e.Hash {
			return prev, fmt.Errorf("audit entry %d (%s, %s by %s): its contents do not match its hash (the entry was edited)", e.Seq, e.At.UTC().Format(time.RFC3339), e.Action, e.Actor)
		}
		prev = e.Hash
	}
	return prev, nil
}

// HashString prints a hash as lowercase hex.
func HashString(h [32]byte) string { return hex.EncodeToString(h[:]) }

// CheckHead checks a verified audit log against a head published earlier:
// the entry seq, with hash head. The chain only grows, so the log must
// still hold that entry where it was. Verifying the links alone cannot see
// entries removed from the end, since what remains is a consistent
// chain; a published head can: a log cut before it no longer reaches it.
func CheckHead(log []AuditEntry, seq int64, head [32]byte) error {
	n := int64(len(log))
	switch {
	case seq < 1:
		return fmt.Errorf("the published head names entry %d: an audit head is entry 1 or later", seq)
	case seq > n:
		return fmt.Errorf("the audit chain ends at entry %d, before the published head (entry %d, %s): entries were removed from its end (or the head is another data directory's)",
			n, seq, HashString(head))
	case log[seq-1].Hash != head:
		return fmt.Errorf("audit entry %d is %s, but the published head there is %s: the chain was rewritten from that entry on (or the head is another data directory's)",
			seq, HashString(log[seq-1].Hash), HashString(head))
	}
	return nil
}

// FindHead finds a published head hash in a verified audit log and
// returns its entry's sequence number.
func FindHead(log []AuditEntry, head [32]byte) (int64, error) {
	for _, e := range log {
		if e.Hash == head {
			return e.Seq, nil
		}
	}
	last := [32]byte{}
	if len(log) > 0 {
		last = log[len(log)-1].Hash
	}
	return 0, fmt.Errorf("the published head %s is not in the audit chain, which ends at entry %d (head %s): entries were removed from its end, or rewritten (or the head is another data directory's)",
		HashString(head), len(log), HashString(last))
}

// PublishAction is the audit action of publishing a results bundle; its
// detail names the bundle's SHA-256.
const PublishAction = "election.publish"

// FindPublication finds, after entry seq of a verified audit log, the
// entry that records publishing the bundle with SHA-256 sum, and returns
// its sequence number. A bundle names the head before its own publication,
// so this entry is what shows that the chain was not cut right after it.
func FindPublication(log []AuditEntry, seq int64, sum [32]byte) (int64, error) {
	want := "sha256 " + HashString(sum)
	for _, e := range log[min(max(seq, 0), int64(len(log))):] {
		if e.Action == PublishAction && strings.Contains(e.Detail, want) {
			return e.Seq, nil
		}
	}
	return 0, fmt.Errorf("the audit chain records no publication of this bundle (sha256 %s) after entry %d: the entries after it were removed from the chain's end (or the bundle was published from another data directory)",
		HashString(sum), seq)
}
