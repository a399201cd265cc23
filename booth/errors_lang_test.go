package booth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
)

// The booth's words for a refusal made in models are in the member's
// language, the refusal's own words (the voting window, what is wrong
// with a kiosk code) included; English is as it was.
func TestModelRefusalsOnScreensInTheirLanguage(t *testing.T) {
	opens := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	e := models.Election{Definition: models.Definition{ID: "b26", OpensAt: opens, ClosesAt: opens.Add(48 * time.Hour)}, State: models.Open}
	closed := models.CheckOpenAt(e, opens.Add(72*time.Hour))
	_, mistyped := models.NormalizeCode("K7QM-4XPD-9!")
	if !errors.Is(closed, models.ErrNotOpen) {
		t.Errorf("%v is not ErrNotOpen", closed)
	}
	for _, tt := range []struct {
		lang, got, want, english string
	}{
		{"ja", i18n.For("ja").Err(closed), "選挙 b26: 選挙は投票受付中ではありません（投票は 2027-01-12 09:00 UTC に終了しました）", "voting closed"},
		{"en", i18n.For("en").Err(closed), "election b26: the election is not open for voting (voting closed 2027-01-12 09:00 UTC)", "\x00"},
		{"ja", castError(i18n.For("ja"), closed), "選挙は投票受付中ではない（投票は 2027-01-12 09:00 UTC に終了しました）ため", "voting closed"},
		{"es", castError(i18n.For("es"), closed), "La elección no está abierta a votación (la votación se cerró el 2027-01-12 09:00 UTC)", "voting closed"},
		{"en", castError(i18n.For("en"), closed), "The election is not open for voting (voting closed 2027-01-12 09:00 UTC), so this ballot was not stored.", "\x00"},
		{"ja", codeRefusal(i18n.For("ja"), mistyped), "コードに使われるのは数字 0〜9 と U を除く英字 A〜Z だけです。'!' はそのどれでもありません", "a code has"},
		{"es", codeRefusal(i18n.For("es"), mistyped), "un código solo tiene los dígitos del 0 al 9", "a code has"},
		{"en", codeRefusal(i18n.For("en"), mistyped), "Please check the code: a code has only the digits 0–9 and the letters A–Z without U, and '!' is not one of them.", "\x00"},
	} {
		if !strings.Contains(tt.got, tt.want) || strings.Contains(tt.got, tt.english) {
			t.Errorf("%s: %q\nwant %q, and not %q", tt.lang, tt.got, tt.want, tt.english)
		}
	}
}
