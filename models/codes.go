package models

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"vote.example.org/booth/models/i18n"
)

// Kiosk codes let a member without their key at hand vote at a conference
// stand: staff check the member's badge and issue a one-time code for
// them; the member types it at the kiosk. A code is short and easy to type
// — 10 characters of Crockford's base32 (digits and letters without I, L, O
// and U), shown grouped as K7QM-4XPD-92 — drawn from crypto/rand, valid
// once and for a limited time, and stored only as its hash.
//
// Its 50 bits are not a secret against a patient attacker with a copy of
// the database (the hash can be searched in a day); they are against
// guessing at the stand, where a code lives 15 minutes and every try takes
// seconds.

// CodeLen is the length of a normalised kiosk code.
const CodeLen = 10

// codeAlphabet is Crockford's base32: every symbol a person can read back
// unambiguously (0/O and 1/I/L are folded when typed; U is left out).
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Code lifetimes: the default, and the bounds an officer may choose.
const (
	DefaultCodeTTL = 15 * time.Minute
	MinCodeTTL     = time.Minute
	MaxCodeTTL     = 24 * time.Hour
)

// Errors of kiosk codes; callers test them with errors.Is.
var (
	// ErrCodeInvalid is a code that was never issued, was already used or
	// revoked, or was mistyped: the kiosk cannot and need not tell which.
	ErrCodeInvalid = errors.New("not a valid kiosk code")
	ErrCodeExpired = errors.New("the kiosk code has expired")
	// ErrNothingToVote is a member with no open election left to vote in.
	ErrNothingToVote = errors.New("no open election to vote in")
)

// KioskCode is an issued code as the store keeps it: only its hash, the
// member it is for and, optionally, the one election it opens.
type KioskCode struct {
	Hash     [32]byte
	MemberID string
	// ElectionID limits the code to one election; "" opens every open
	// election the member has not voted in yet.
	ElectionID string
	Expires    time.Time // UTC
	// Opens lists the elections the code may open, each holding a sealed
	// record of its issue: ElectionID alone, or for a code that names
	// none, the member's elections open for them when it was issued.
	Opens []string
}

// ID is how officers name a code in lists and when revoking it: the first
// eight hex digits of its hash (the code itself is never stored).
func (c KioskCode) ID() string { return hex.EncodeToString(c.Hash[:])[:8] }

// NewCode draws a kiosk code from rand (crypto/rand.Reader outside tests)
// and returns it grouped for reading aloud, e.g. "K7QM-4XPD-92".
func NewCode(rand io.Reader) (string, error) {
	var b [CodeLen]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("drawing a kiosk code: %w", err)
	}
	// 256 is a multiple of 32, so the low five bits of a random byte are
	// uniform over the alphabet.
	var s [CodeLen]byte
	for i, x := range b {
		s[i] = codeAlphabet[x&31]
	}
	return GroupCode(string(s[:])), nil
}

// GroupCode writes a normalised code in groups of four: K7QM-4XPD-92.
func GroupCode(norm string) string {
	var b strings.Builder
	for i := 0; i < len(norm); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(norm[i:min(i+4, len(norm))])
	}
	return b.String()
}

// NormalizeCode turns a code as someone typed it into its 10 characters:
// spaces, tabs and dashes are dropped, letters upper-cased, and the
// look-alikes folded the way Crockford's base32 reads them (O as 0; I and L
// as 1). It refuses anything that cannot be a code, saying why.
func NormalizeCode(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 0x7f || !strings.ContainsRune(codeAlphabet, r) {
			return "", mistyped(i18n.Errorf("a code has only the digits 0–9 and the letters A–Z without U, and %q is not one of them", r))
		}
		if b.Len() == CodeLen {
			return "", mistyped(i18n.Errorf("a code has %d letters and digits (like K7QM-4XPD-92), and this one has more", CodeLen))
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLen {
		return "", mistyped(i18n.Errorf("a code has %d letters and digits (like K7QM-4XPD-92), and this one has %d", CodeLen, b.Len()))
	}
	return b.String(), nil
}

// MistypedCodeError is ErrCodeInvalid for text that cannot be a code at
// all: Why says what is wrong with it, in words for the person typing.
type MistypedCodeError struct{ Why error }

func (e *MistypedCodeError) Error() string   { return ErrCodeInvalid.Error() + ": " + e.Why.Error() }
func (e *MistypedCodeError) Unwrap() []error { return []error{ErrCodeInvalid, e.Why} }

func mistyped(why error) error { return &MistypedCodeError{Why: why} }

// CodeHash is what the store keeps of a code:
// SHA-256("booth-kiosk-code:" + normalised code).
func CodeHash(normalized string) [32]byte {
	return sha256.Sum256([]byte("booth-kiosk-code:" + normalized))
}

// CheckCodeTTL checks how long a code an officer asks for stays valid.
func CheckCodeTTL(ttl time.Duration) error {
	if ttl < MinCodeTTL || ttl > MaxCodeTTL {
		return fmt.Errorf("a kiosk code must stay valid between %s and %s, not %s", MinCodeTTL, MaxCodeTTL, ttl)
	}
	return nil
}

// KioskVoter is who a redeemed code lets into the kiosk's booth.
type KioskVoter struct {
	Member Member
	// ElectionID is the code's one election, or "" for all of the
	// member's open elections.
	ElectionID string
	// Elections are the elections the code was issued for (KioskCode.Opens):
	// it opens no other. Nil only while a code is being issued.
	Elections []string
}

// Opens reports whether the kiosk shows e to this voter at now: an
// election open for voting, on their roll, that they have not voted in,
// and the code's election if it names one. A ballot is cast at the kiosk,
// never replaced or read back.
func (v KioskVoter) Opens(e MemberElection, now time.Time) bool {
	return e.OnRoll && !e.Voted && e.IsOpenAt(now) &&
		(v.ElectionID == "" || e.ID == v.ElectionID) && v.Allows(e.ID)
}

// Allows reports whether the code was issued for an election: an election
// that opened after the issue holds no record of it, so the code does not
// open it.
func (v KioskVoter) Allows(electionID string) bool {
	return (v.ElectionID == "" || electionID == v.ElectionID) &&
		(v.Elections == nil || slices.Contains(v.Elections, electionID))
}

// KioskDevice is a conference laptop registered as a thin client: its SSH
// key opens the kiosk on the server, never a member's booth.
type KioskDevice struct {
	Name string
	Key  Key
}

// CheckDeviceName checks a kiosk device's name: the same rule as a member
// id (1–64 characters of a–z, 0–9, '.', '_' and '-').
func CheckDeviceName(name string) error {
	if CheckMemberID(name) != nil {
		return fmt.Errorf("kiosk device name %q: use 1–64 characters of a–z, 0–9, '.', '_' and '-', starting with a letter or digit (such as stand-1)", name)
	}
	return nil
}
