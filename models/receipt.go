package models

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"io"
	"strings"

	"vote.example.org/booth/models/i18n"
)

// A receipt is 128 random bits, written in RFC 4648 base32 (alphabet A–Z
// and 2–7) without padding: 26 characters, shown in groups of four joined
// by '-', e.g. K7QF-2MXP-…-Q4. Only the voter holds it; the box keeps its
// hash (ReceiptHash), so the server can find a ballot by receipt but never
// by member.

// receiptBytes is the receipt's size: 128 bits.
const receiptBytes = 16

// ReceiptLen is the length of a normalised receipt: 128 bits in base32.
const ReceiptLen = 26

var receiptEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewReceipt draws a receipt from rand (crypto/rand.Reader outside tests)
// and returns it grouped for people to read.
func NewReceipt(rand io.Reader) (string, error) {
	var b [receiptBytes]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("drawing a receipt: %w", err)
	}
	return groupReceipt(receiptEncoding.EncodeToString(b[:])), nil
}

// groupReceipt writes a normalised receipt in groups of four.
func groupReceipt(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// NormalizeReceipt turns a receipt as a person typed it into its 26
// characters: separators (spaces, '-') are dropped, letters upper-cased,
// and the digits people type for look-alike letters read as those letters
// (0 as O, 1 as I, 8 as B; base32 has no 0, 1, 8 or 9). It refuses
// anything that is not a receipt booth could have issued.
func NormalizeReceipt(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r == '0':
			r = 'O'
		case r == '1':
			r = 'I'
		case r == '8':
			r = 'B'
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return "", i18n.Errorf("a receipt uses only the letters A to Z and the digits 2 to 7; %q is not one of them", r)
		}
		b.WriteRune(r)
	}
	norm := b.String()
	if len(norm) != ReceiptLen {
		return "", i18n.Errorf("a receipt has %d letters and digits (groups of four like K7QF-2MXP-…), but this one has %d; check that it was copied whole", ReceiptLen, len(norm))
	}
	// 26 characters carry 130 bits; the last two must be zero. Two strings
	// that decode alike would hash differently, so only the canonical one
	// is a receipt.
	raw, err := receiptEncoding.DecodeString(norm)
	if err != nil || len(raw) != receiptBytes || receiptEncoding.EncodeToString(raw) != norm {
		return "", i18n.Errorf("this is not a receipt booth issued: its last character cannot end a receipt; check that it was copied correctly")
	}
	return norm, nil
}

// ReceiptHash is the key a ballot is filed under in the box:
//
//	SHA-256("booth-receipt:" + electionID + ":" + normalized)
//
// where normalized is the receipt's 26 characters as NormalizeReceipt
// returns them (upper case, no separators), and the bytes hashed are the
// UTF-8 string exactly as written, with no terminator. The published ledger
// lists ballots by this hash in lowercase hex, so a voter (or any offline
// verifier) recomputes it from the receipt to find their ballot, e.g.
//
//	printf '%s' "booth-receipt:board-2026:K7QF2MXP…" | sha256sum
func ReceiptHash(electionID, normalized string) [32]byte {
	return sha256.Sum256([]byte("booth-receipt:" + electionID + ":" + normalized))
}
