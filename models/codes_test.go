package models_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
)

var codeForm = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$`)

func TestNewCode(t *testing.T) {
	for _, tc := range []struct {
		raw  []byte
		want string
	}{
		{make([]byte, 10), "0000-0000-00"},
		// Each byte's low five bits pick a symbol: 31 is Z, 0xff too.
		{[]byte{31, 0xff, 1, 33, 10, 18, 19, 20, 27, 16}, "ZZ11-AJKM-VG"},
	} {
		got, err := models.NewCode(bytes.NewReader(tc.raw))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("code of %v = %s, want %s", tc.raw, got, tc.want)
		}
	}
	seen := map[string]bool{}
	for range 200 {
		c, err := models.NewCode(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !codeForm.MatchString(c) || strings.ContainsAny(c, "ILOU") {
			t.Fatalf("code %q is not 10 unambiguous symbols grouped 4-4-2", c)
		}
		seen[c] = true
	}
	if len(seen) < 200 {
		t.Errorf("200 codes drawn, only %d different", len(seen))
	}
	if _, err := models.NewCode(bytes.NewReader(make([]byte, 9))); err == nil {
		t.Error("a code was made from 9 random bytes")
	}
}

func TestNormalizeCode(t *testing.T) {
	const want = "K7QM4XPD92"
	for _, in := range []string{
		"K7QM-4XPD-92", "k7qm-4xpd-92", "K7QM4XPD92", " k7qm 4xpd 92 ", "K7-QM-4X-PD-92", "k7qm\t4xpd\t92",
	} {
		got, err := models.NormalizeCode(in)
		if err != nil || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// Letters people type for the digits they see read as those digits.
	for in, want := range map[string]string{
		"O0o0-IiLl-11": "0000111111",
		"1O1O-1O1O-1O": "1010101010",
	} {
		got, err := models.NormalizeCode(in)
		if err != nil || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, tc := range []struct{ in, says string }{
		{"", "this one has 0"},
		{"K7QM-4XPD-9", "this one has 9"},
		{"K7QM-4XPD-923", "has more"},
		{"K7QM-4XPD-9U", `'U' is not one of them`},
		{"K7QM-4XPD-9!", `'!' is not one of them`},
		{"K7QM-4XPD-9é", `'é' is not one of them`},
		{"K7QM-4XPD-9\x1b", `'\x1b' is not one of them`},
	} {
		_, err := models.NormalizeCode(tc.in)
		if !errors.Is(err, models.ErrCodeInvalid) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("NormalizeCode(%q): %v, want ErrCodeInvalid saying %q", tc.in, err, tc.says)
		}
	}
}

func TestCodeHashAndID(t *testing.T) {
	// printf '%s' 'booth-kiosk-code:K7QM4XPD92' | sha256sum
	const want = "8c1ff88b8e93be6ef474b5a2e87a160bcb2a3a87e84c901bc22e3a32f6690ad7"
	h := models.CodeHash("K7QM4XPD92")
	if got := hex.EncodeToString(h[:]); got != want {
		t.Errorf("CodeHash = %s, want %s", got, want)
	}
	if id := (models.KioskCode{Hash: h}).ID(); id != want[:8] {
		t.Errorf("code id %q, want the first 8 hex digits of the hash, %s", id, want[:8])
	}
}

func TestCheckCodeTTL(t *testing.T) {
	for ttl, ok := range map[time.Duration]bool{
		time.Minute: true, 15 * time.Minute: true, 24 * time.Hour: true,
		59 * time.Second: false, 0: false, -time.Minute: false, 25 * time.Hour: false,
	} {
		if err := models.CheckCodeTTL(ttl); (err == nil) != ok {
			t.Errorf("CheckCodeTTL(%s): %v, want ok=%v", ttl, err, ok)
		}
	}
}

func TestKioskVoterOpens(t *testing.T) {
	now := t0.Add(time.Hour)
	open := func(id string) models.MemberElection {
		return models.MemberElection{Election: models.Election{Definition: definition(id), State: models.Open}, OnRoll: true}
	}
	voted := open("voted")
	voted.Voted = true
	offRoll := open("off-roll")
	offRoll.OnRoll = false
	draft := open("draft")
	draft.State = models.Draft
	closed := open("closed")
	closed.State = models.Closed
	ended := open("ended") // open in the store, past its close by the clock
	ended.ClosesAt = now
	for _, tc := range []struct {
		voter models.KioskVoter
		e     models.MemberElection
		want  bool
	}{
		{models.KioskVoter{}, open("e1"), true},
		{models.KioskVoter{ElectionID: "e1"}, open("e1"), true},
		{models.KioskVoter{ElectionID: "e2"}, open("e1"), false},
		{models.KioskVoter{}, voted, false},
		{models.KioskVoter{}, offRoll, false},
		{models.KioskVoter{}, draft, false},
		{models.KioskVoter{}, closed, false},
		{models.KioskVoter{}, ended, false},
	} {
		if got := tc.voter.Opens(tc.e, now); got != tc.want {
			t.Errorf("code for %q opens %s (%s, voted %v, on roll %v): %v, want %v",
				tc.voter.ElectionID, tc.e.ID, tc.e.State, tc.e.Voted, tc.e.OnRoll, got, tc.want)
		}
	}
}

func TestCheckDeviceName(t *testing.T) {
	for name, ok := range map[string]bool{"stand-1": true, "hall.b_2": true, "": false, "Stand": false, "-x": false, "a b": false, "stand\x1b": false} {
		if err := models.CheckDeviceName(name); (err == nil) != ok {
			t.Errorf("CheckDeviceName(%q): %v, want ok=%v", name, err, ok)
		}
	}
}

// FuzzNormalizeCode feeds the kiosk's code field anything: it never
// panics, and what it accepts is a code in canonical form that reads the
// same grouped or not.
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"K7QM-4XPD-92", "k7qm 4xpd 92", "O0IL-1111-uu", "", "\x1b[2J", "ＫＱ", "K7QM-4XPD-92-00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, err := models.NormalizeCode(s)
		if err != nil {
			if !errors.Is(err, models.ErrCodeInvalid) {
				t.Fatalf("NormalizeCode(%q): %v is not ErrCodeInvalid", s, err)
			}
			return
		}
		if !codeForm.MatchString(models.GroupCode(norm)) {
			t.Fatalf("NormalizeCode(%q) = %q, not a code", s, norm)
		}
		if again, err := models.NormalizeCode(models.GroupCode(norm)); err != nil || again != norm {
			t.Fatalf("the grouped form of %q normalises to %q, %v", norm, again, err)
		}
	})
}
