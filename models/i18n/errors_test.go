package i18n

import (
	"errors"
	"fmt"
	"testing"
)

// state is a Phrase as models' states are: its English is itself.
type state string

func (s state) In(p Printer) string {
	if s == "declined" {
		return p.C("nomination", "declined")
	}
	return string(s)
}

// TestErrorfIsFmtErrorf checks that an Error's text and what it wraps are
// fmt.Errorf's, byte for byte, and that English is its Error().
func TestErrorfIsFmtErrorf(t *testing.T) {
	base := Errorf("not found")
	other := errors.New("disk full")
	for _, tt := range []struct {
		format string
		args   []any
	}{
		{"not found", nil},
		{"election %s: %w", []any{"board", base}},
		{"member %s: %w (%w)", []any{"ada", base, other}},
		{"member id %q contains %q: %s", []any{"Ada!", '!', Textf("a member id is 1–64 characters of a–z, 0–9, '.', '_' and '-', starting with a letter or digit")}},
		{"%s: the nomination of %s in %s is %s", []any{Textf("it cannot be accepted"), "cy", "board", state("declined")}},
		{"%s is not valid UTF-8 (byte %#x at byte %d): save it as UTF-8", []any{Textf("the statement"), 0xff, 3}},
	} {
		got, want := Errorf(tt.format, tt.args...), fmt.Errorf(tt.format, tt.args...)
		if got.Error() != want.Error() {
			t.Errorf("Errorf(%q).Error() = %q, fmt.Errorf gives %q", tt.format, got.Error(), want.Error())
		}
		if en := For("en").Err(got); en != want.Error() {
			t.Errorf("English Err(%q) = %q, want %q", tt.format, en, want.Error())
		}
		for _, w := range tt.args {
			if w, ok := w.(error); ok && errors.Is(want, w) != errors.Is(got, w) {
				t.Errorf("Errorf(%q): errors.Is(%v) differs from fmt.Errorf's", tt.format, w)
			}
		}
	}
}

// TestPrinterErr checks the translation of an Error, of the errors and
// Phrases among its arguments, of one wrapped by plain fmt.Errorf (and by
// a type that only quotes it), and that errors.Is still sees through
// each; an error that is no message stays English.
func TestPrinterErr(t *testing.T) {
	ja, es := For("ja"), For("es")
	notOpen := Errorf("the election is not open for voting")
	window := Textf("voting opens %s", "2027-01-18 09:00 UTC")
	refusal := Errorf("election %s: %w (%s)", "board", notOpen, window)
	wrapped := fmt.Errorf("casting in board: %w", refusal)
	quoted := quoting{refusal}
	plain := errors.New("disk full")
	for _, tt := range []struct {
		name string
		got  string
		want string
	}{
		{"sentinel", ja.Err(notOpen), "選挙は投票受付中ではありません"},
		{"%w and a Text argument", ja.Err(refusal), "選挙 board: 選挙は投票受付中ではありません（投票開始は 2027-01-18 09:00 UTC です）"},
		{"Spanish", es.Err(refusal), "elección board: la elección no está abierta a votación (la votación se abre el 2027-01-18 09:00 UTC)"},
		{"plain fmt.Errorf around it", ja.Err(wrapped), "casting in board: 選挙 board: 選挙は投票受付中ではありません（投票開始は 2027-01-18 09:00 UTC です）"},
		{"a type that quotes it", ja.Err(quoted), "refused: 選挙 board: 選挙は投票受付中ではありません（投票開始は 2027-01-18 09:00 UTC です）"},
		{"plain error", ja.Err(plain), "disk full"},
		{"plain error as an argument", ja.Err(Errorf("election %s: %w", "board", plain)), "選挙 board: disk full"},
		{"reordered %[3]w", ja.Err(Errorf("you have nominated %s in %s already: %w", "bea", "board", Errorf("already exists"))),
			"board ではすでに bea を推薦しています: すでに存在します"},
		{"two %w", es.Err(Errorf("member %s: %w (%w)", "ada", Errorf("not found"), Errorf("not on this election's roll"))),
			"miembro ada: no encontrado (no figura en el censo de esta elección)"},
		{"nested Text and Phrase", ja.Err(Errorf("%s: the nomination of %s in %s is %s", Textf("it cannot be accepted"), "cy", "board", state("declined"))),
			"受諾できません。board での cy の推薦は「辞退」です"},
		{"Text.In", Textf("voting closed %s", "2027-01-20 09:00 UTC").In(es), "la votación se cerró el 2027-01-20 09:00 UTC"},
		{"nil", ja.Err(nil), ""},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	for _, err := range []error{refusal, wrapped, quoted} {
		if !errors.Is(err, notOpen) {
			t.Errorf("errors.Is(%v, notOpen) is false", err)
		}
	}
	var e *Error
	if !errors.As(wrapped, &e) || e != refusal {
		t.Errorf("errors.As through a plain wrapper found %v", e)
	}
}

// quoting is an error type of its own that quotes and wraps another, as
// models' refusals do.
type quoting struct{ err error }

func (q quoting) Error() string { return "refused: " + q.err.Error() }
func (q quoting) Unwrap() error { return q.err }

func TestWrapVerbs(t *testing.T) {
	for in, want := range map[string]string{
		"election %s: %w":          "election %s: %v",
		"100%% sure: %w":           "100%% sure: %v",
		"%%w is a literal":         "%%w is a literal",
		"%[2]s then %[1]w":         "%[2]s then %[1]v",
		"%#x %-5w %U":              "%#x %-5v %U",
		"no verbs, a w and a % at": "no verbs, a w and a % at",
	} {
		if got := wrapVerbs(in); got != want {
			t.Errorf("wrapVerbs(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestErrTranslatesTheQuote checks that a plain wrapper whose own words
// hold the wrapped English too has the quote translated, not its words.
func TestErrTranslatesTheQuote(t *testing.T) {
	err := fmt.Errorf("not found in the cache, then: %w", Errorf("not found"))
	if got, want := For("ja").Err(err), "not found in the cache, then: 見つかりません"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
