package models_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"vote.example.org/booth/models"
)

var receiptForm = regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}-[A-Z2-7]{2}$`)

func TestNewReceiptFormat(t *testing.T) {
	for _, tc := range []struct {
		raw  []byte
		want string
	}{
		// Computed independently (Python's base64.b32encode).
		{bytes.Repeat([]byte{0}, 16), "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA"},
		{bytes.Repeat([]byte{0xff}, 16), "7777-7777-7777-7777-7777-7777-74"},
		{[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4"},
	} {
		got, err := models.NewReceipt(bytes.NewReader(tc.raw))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("receipt of %x = %s, want %s", tc.raw, got, tc.want)
		}
	}
	a, err := models.NewReceipt(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := models.NewReceipt(rand.Reader)
	if !receiptForm.MatchString(a) || a == b {
		t.Errorf("receipts %q and %q: want two different codes like K7QF-2MXP-…", a, b)
	}
	if _, err := models.NewReceipt(bytes.NewReader(make([]byte, 15))); err == nil {
		t.Error("a receipt was made from 120 bits")
	}
}

func TestNormalizeReceipt(t *testing.T) {
	const want = "K7QFUMXPIOBAAAAAAAAAAAAAAA"
	for _, in := range []string{
		"K7QF-UMXP-IOBA-AAAA-AAAA-AAAA-AA",
		"k7qf-umxp-ioba-aaaa-aaaa-aaaa-aa",
		"K7QF UMXP IOBA AAAA AAAA AAAA AA",
		" K7QFUMXPIOBAAAAAAAAAAAAAAA ",
		"K7QF-UMXP-108A-AAAA-AAAA-AAAA-AA", // 1 → I, 0 → O, 8 → B
		"k7qf-umxp-i08a-aaaa-aaaa-aaaa-aa",
	} {
		got, err := models.NormalizeReceipt(in)
		if err != nil {
			t.Errorf("NormalizeReceipt(%q): %v", in, err)
			continue
		}
		if got != want {
			t.Errorf("NormalizeReceipt(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeReceiptRefuses(t *testing.T) {
	for _, tc := range []struct{ in, says string }{
		{"", "has 0"},
		{"K7QF-UMXP-IOBA-AAAA-AAAA-AAAA-A", "has 25"},
		{"K7QF-UMXP-IOBA-AAAA-AAAA-AAAA-AAA", "has 27"},
		{"K7QF-UMXP-IOBA-AAAA-AAAA-AAAA-A9", "'9'"},
		{"K7QF-UMXP-IOBA-AAAA-AAAA-AAAA-A!", "'!'"},
		{"K7QF-UMXP-IOBA-AAAA-AAAA-AAAA-AÄ", "'Ä'"},
		// 26 characters carry 130 bits: the last two must be zero.
		{"7777-7777-7777-7777-7777-7777-77", "cannot end a receipt"},
	} {
		_, err := models.NormalizeReceipt(tc.in)
		if err == nil {
			t.Errorf("NormalizeReceipt(%q) accepted", tc.in)
			continue
		}
		if !strings.Contains(err.Error(), tc.says) {
			t.Errorf("NormalizeReceipt(%q): %q does not say %q", tc.in, err, tc.says)
		}
	}
}

func TestReceiptHash(t *testing.T) {
	// printf '%s' "booth-receipt:board-2026:K7QFUMXPAAAAAAAAAAAAAAAAAA" | sha256sum
	const want = "98ad501bc8afad2e83fc1b14827d1df1590f7c74e7c44a2a761f335e0e3b2763"
	got := models.ReceiptHash("board-2026", "K7QFUMXPAAAAAAAAAAAAAAAAAA")
	if hex.EncodeToString(got[:]) != want {
		t.Fatalf("ReceiptHash = %x, want %s", got, want)
	}
	if models.ReceiptHash("board-2027", "K7QFUMXPAAAAAAAAAAAAAAAAAA") == got {
		t.Fatal("the same receipt hashes alike in two elections")
	}
}
