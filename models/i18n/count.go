package i18n

import (
	"strings"

	"vote.example.org/booth/tally"
)

// A Printer says a count's record and result sheet in its language: it is
// tally's Words, so that tally, which knows nothing of the catalogue,
// writes a member's sheet (tally.Result.WriteSheetIn) in the member's
// language.
var _ tally.Words = Printer{}

// List joins the items of a list in a count's record as p's language
// joins them: Japanese with 「、」 (and clauses with 「。」), Spanish
// "A, B y C", English as the record always has (style).
func (p Printer) List(items []string, style tally.Join) string {
	switch p.Lang() {
	case "ja":
		if style == tally.JoinClauses {
			return strings.Join(items, "。")
		}
		return strings.Join(items, "、")
	case "es":
		return spanishList(items, style)
	}
	return tally.English{}.List(items, style)
}

// spanishList is "A, B y C", or "A, B e Isabel": Spanish writes "y" as
// "e" before a word that opens with the sound of an "i".
func spanishList(items []string, style tally.Join) string {
	n := len(items)
	switch {
	case style == tally.JoinClauses:
		return strings.Join(items, "; ")
	case n == 0:
		return ""
	case n == 1:
		return items[0]
	}
	and := " y "
	if last := strings.ToLower(items[n-1]); (strings.HasPrefix(last, "i") || strings.HasPrefix(last, "hi")) &&
		!strings.HasPrefix(last, "hia") && !strings.HasPrefix(last, "hie") && !strings.HasPrefix(last, "hio") {
		and = " e "
	}
	return strings.Join(items[:n-1], ", ") + and + items[n-1]
}
