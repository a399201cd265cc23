package models

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
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
