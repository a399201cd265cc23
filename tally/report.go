package tally

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// sheetWidth is the terminal width the result sheet must fit.
const sheetWidth = 80

// methodWords names each method the way a returning officer's sheet does.
var methodWords = map[Method]string{
	Schulze:  key("Schulze method (Condorcet; winning votes, as Debian counts)"),
	IRV:      key("Instant-runoff voting"),
	Meek:     key("Meek STV (Proportional Representation Foundation reference rule)"),
	Scottish: key("Scottish STV (Scottish Local Government Elections Order 2007)"),
	Approval: key("Approval voting"),
	YesNo:    key("Yes/no question"),
}

// WriteSheet writes the result as a returning officer's sheet in plain
// text that fits an 80-column terminal: the outcome first, then how it was
// reached, round by round, with every tie and how it was broken. It is in
// English, the language of the count's record.
func (r *Result) WriteSheet(w io.Writer) error { return r.writeSheet(w, English{}, false) }

// WriteSheetIn writes the sheet as WriteSheet does, in the language words
// says it: labels, the rounds' actions, notes and ties (a result counted
// before its phrases were kept has them in English). Names are the
// officer's and stay as they are.
func (r *Result) WriteSheetIn(w io.Writer, words Words) error { return r.writeSheet(w, words, false) }

// WriteWholeSheet writes the sheet as WriteSheet does but with every name
// whole, however wide its table: for a sheet another program reads or a
// file keeps, where a name cut to fit a terminal would be lost.
func (r *Result) WriteWholeSheet(w io.Writer) error { return r.writeSheet(w, English{}, true) }

// sheetText is a sheet being written, the words it is written in, and
// whether its names are kept whole.
type sheetText struct {
	strings.Builder
	w     Words
	whole bool
}

func (r *Result) writeSheet(w io.Writer, words Words, whole bool) error {
	b := sheetText{w: words, whole: whole}
	r.sheetHeader(&b)
	switch {
	case r.Method == YesNo:
		r.sheetTotals(&b, key("Answer"), key("Votes"))
	case r.Method == Approval:
		r.sheetTotals(&b, key("Candidate"), key("Approvals"))
	case r.Order != nil:
		r.sheetSchulze(&b)
	case len(r.Rounds) > 0:
		r.sheetStages(&b)
	}
	r.sheetNotes(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// Words names the method as a returning officer's sheet does, e.g. "Meek
// STV (Proportional Representation Foundation reference rule)".
func (m Method) Words() string {
	if words := methodWords[m]; words != "" {
		return words
	}
	return string(m)
}

// term is a word of the sheet's vocabulary (a label, a status) in b's
// language; the word is its key.
func (b *sheetText) term(s string) string { return b.w.T(s, noArgs...) }

// headerLabels are the labels of the sheet's head, which share one column.
var headerLabels = []string{key("Method:"), key("Ballots:"), key("Outcome:"), key("Seats:"),
	key("Valid ballots:"), key("Quota:"), key("Elected:")}

// labelColumn is the width of the head's label column in b's language:
// its widest label and two spaces, and at least 16 columns, where the
// sheet's English has always put the values.
func (b *sheetText) labelColumn() int {
	n := 16
	for _, l := range headerLabels {
		n = max(n, width(b.term(l))+2)
	}
	return n
}

// field writes a line of the sheet's head: the label, and the value in
// the values' column, col (labelColumn).
func (b *sheetText) field(col int, label, value string) {
	b.WriteString(wrap(pad(b.term(label), col, false)+value, col))
}

func (r *Result) sheetHeader(b *sheetText) {
	col := b.labelColumn()
	b.field(col, "Method:", b.term(r.Method.Words()))
	if r.Method == YesNo {
		b.field(col, "Ballots:", itoa64(r.Ballots))
		outcome := b.w.T("NOT PASSED")
		if r.Passed {
			outcome = b.w.T("PASSED")
		}
		b.field(col, "Outcome:", outcome)
		return
	}
	b.field(col, "Seats:", itoa(r.Seats))
	b.field(col, "Valid ballots:", itoa64(r.Ballots))
	if q := r.quotaLine(b.w); q != "" {
		b.field(col, "Quota:", q)
	}
	r.nameLines(b, pad(b.w.T("Elected:"), col, false), r.Elected, col)
}

// quotaLine describes the quota, which Meek STV recalculates every round.
func (r *Result) quotaLine(w Words) string {
	if len(r.Rounds) == 0 {
		return ""
	}
	first, last := r.Rounds[0].Quota, r.Rounds[len(r.Rounds)-1].Quota
	switch {
	case first.Units == 0 && last.Units == 0:
		return ""
	case first == last:
		return first.String()
	}
	return w.T("%s in round %d, %s in round %d", first, r.Rounds[0].Number, last, r.Rounds[len(r.Rounds)-1].Number)
}

// sheetTotals lists a single-round count's totals, most votes first.
func (r *Result) sheetTotals(b *sheetText, corner, head string) {
	if len(r.Rounds) == 0 {
		return
	}
	round := r.Rounds[len(r.Rounds)-1]
	order := make([]int, len(round.Totals))
	for i := range order {
		order[i] = i
	}
	if r.Method == Approval {
		slices.SortStableFunc(order, func(a, c int) int { return round.Totals[c].Cmp(round.Totals[a]) })
	}
	words := map[Status]string{Elected: key("elected"), Withdrawn: key("withdrawn")}
	if r.Method == YesNo {
		words = map[Status]string{Elected: key("carries")}
	}
	t := table{corner: b.term(corner), head: []string{b.term(head), ""}}
	for _, c := range order {
		status := ""
		if c < len(round.Status) && words[round.Status[c]] != "" {
			status = b.term(words[round.Status[c]])
		}
		t.rows = append(t.rows, tableRow{label: r.name(c), cells: []string{round.Totals[c].String(), status}})
	}
	b.WriteString("\n")
	t.write(b)
}

// sheetStages writes an STV or IRV count: what each round did, then the
// candidates' totals round by round.
func (r *Result) sheetStages(b *sheetText) {
	b.WriteString("\n" + b.w.T("Rounds") + "\n")
	for _, round := range r.Rounds {
		b.WriteString(wrap(fmt.Sprintf("  %3d  %s", round.Number, r.RoundAction(b.w, round)), 7))
	}
	t := table{corner: b.w.T("Round")}
	for _, round := range r.Rounds {
		t.head = append(t.head, itoa(round.Number))
	}
	for c := range r.Candidates {
		row := tableRow{label: r.name(c)}
		for _, round := range r.Rounds {
			row.cells = append(row.cells, round.Totals[c].String()+statusMark(round.Status, c))
		}
		t.rows = append(t.rows, row)
	}
	t.addRowIfAny(b.w.T("Non-transferable"), r.Rounds, func(x Round) Decimal { return x.Exhausted })
	t.addRowIfAny(b.w.T("Loss to rounding"), r.Rounds, func(x Round) Decimal { return x.Loss })
	t.addRowIfAny(b.w.T("Quota"), r.Rounds, func(x Round) Decimal { return x.Quota })
	b.WriteString("\n")
	t.write(b)
	b.WriteString(wrap(b.w.T("(E elected, X excluded, W withdrawn)"), 1))
}

func statusMark(status []Status, c int) string {
	if c >= len(status) {
		return "  "
	}
	switch status[c] {
	case Elected:
		return " E"
	case Excluded:
		return " X"
	case Withdrawn:
		return " W"
	}
	return "  "
}

// sheetSchulze writes the full order, the options dropped against the
// default option, and the pairwise counts the order comes from.
func (r *Result) sheetSchulze(b *sheetText) {
	b.WriteString("\n" + b.w.T("Order") + "\n")
	var items []string
	pos := 1
	for _, group := range r.Order {
		mark := "."
		if len(group) > 1 {
			mark = "="
		}
		for _, c := range group {
			items = append(items, fmt.Sprintf("%d%s %s", pos, mark, r.name(c)))
		}
		pos += len(group)
	}
	for _, item := range items {
		b.WriteString(wrap("  "+item, 5))
	}
	if len(r.Dropped) > 0 {
		b.WriteString(wrap(b.w.T("Dropped (quorum or required majority over the default option not met):"), 4))
		r.nameLines(b, "    ", r.Dropped, 4)
	}
	r.sheetMatrix(b, b.w.T("Pairwise: voters preferring row to column"), r.Pairwise)
	r.sheetMatrix(b, b.w.T("Strongest paths: row to column"), r.Strength)
}

func (r *Result) sheetMatrix(b *sheetText, title string, m [][]int64) {
	if len(m) == 0 {
		return
	}
	t := table{corner: ""}
	for c := range r.Candidates {
		t.head = append(t.head, itoa(c+1))
		row := tableRow{label: fmt.Sprintf("%d %s", c+1, r.name(c))}
		for d := range r.Candidates {
			cell := "-"
			if c != d {
				cell = fmt.Sprint(m[c][d])
			}
			row.cells = append(row.cells, cell)
		}
		t.rows = append(t.rows, row)
	}
	b.WriteString("\n" + wrap(title, 2))
	t.write(b)
}

// sheetNotes writes each round's notes, the ties, and the overall notes.
func (r *Result) sheetNotes(b *sheetText) {
	var notes []string
	for _, round := range r.Rounds {
		for _, n := range r.RoundNotes(b.w, round) {
			notes = append(notes, b.w.T("Round %d: %s", round.Number, n))
		}
	}
	writeList(b, b.w.T("Notes"), notes)
	if len(r.Ties) > 0 {
		b.WriteString("\n" + b.w.T("Ties") + "\n")
		// Every line of a tie opens with its number: a candidate in two
		// ties (two seats filled from one tie) would otherwise give two
		// identical lines, which a reader going line by line (linear mode,
		// a screen reader) cannot tell apart. Names stay one to a line.
		digits := len(itoa(len(r.Ties)))
		for i, t := range r.Ties {
			tag := fmt.Sprintf("  %*d  ", digits, i+1)
			b.WriteString(wrap(tag+b.w.T("Round %d: tied to %s:", t.Round, b.term(t.Purpose)), len(tag)+2))
			for _, c := range t.Candidates {
				b.WriteString(wrap(tag+"    "+r.name(c), len(tag)+4))
			}
			b.WriteString(wrap(tag+b.w.T("  Chosen by %s: %s", r.TieRule(b.w, t), r.name(t.Chosen)), len(tag)+4))
		}
	}
	writeList(b, b.w.T("Outcome"), r.OutcomeNotes(b.w))
}

func writeList(b *sheetText, title string, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString("\n" + title + "\n")
	for _, s := range items {
		b.WriteString(wrap("  "+s, 4))
	}
}

// nameLines writes candidates' names one to a line, the first after
// prefix and the others under it: a name may hold any separator (a comma,
// "and"), so only a line break tells two names from one.
func (r *Result) nameLines(b *sheetText, prefix string, cands []int, indent int) {
	if len(cands) == 0 {
		b.WriteString(wrap(prefix+b.w.T("(none)"), indent))
		return
	}
	for i, c := range cands {
		if i > 0 {
			prefix = strings.Repeat(" ", indent)
		}
		b.WriteString(wrap(prefix+r.name(c), indent))
	}
}

// wrap breaks text into lines of at most sheetWidth columns, indenting
// continuation lines, and ends it with a newline. Lines break at spaces,
// and inside a word only where it holds wide (CJK) characters, at the
// places Unicode's line breaking rules (UAX #14) allow: Japanese has no
// spaces, and a break there never puts "、" or "。" at a line's start.
func wrap(text string, indent int) string {
	rest := strings.TrimLeft(text, " ")
	var b strings.Builder
	line := text[:len(text)-len(rest)]
	lineW := len(line)
	for i, word := range strings.Split(rest, " ") {
		for j, piece := range breakable(word) {
			sep := ""
			if i > 0 && j == 0 {
				sep = " "
			}
			w := width(piece)
			if (i > 0 || j > 0) && lineW+len(sep)+w > sheetWidth {
				b.WriteString(line + "\n")
				line, lineW = strings.Repeat(" ", indent)+piece, indent+w
				continue
			}
			line, lineW = line+sep+piece, lineW+len(sep)+w
		}
	}
	b.WriteString(line + "\n")
	return b.String()
}

// breakable splits a word into the pieces a line may break between: the
// word whole unless it holds a wide character.
func breakable(word string) []string {
	if width(word) == utf8.RuneCountInString(word) {
		return []string{word}
	}
	var pieces []string
	state := -1
	for word != "" {
		var seg string
		seg, word, _, state = uniseg.FirstLineSegmentInString(word, state)
		pieces = append(pieces, seg)
	}
	return pieces
}

// width is how many terminal columns s takes: two for a wide (CJK)
// character, as the terminal draws it.
func width(s string) int { return uniseg.StringWidth(s) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// A table has a label column and value columns; when the columns do not fit
// the sheet's width, they continue in further blocks below.
type table struct {
	corner string
	head   []string
	rows   []tableRow
}

type tableRow struct {
	label string
	cells []string
}

// maxLabel caps the label column so that long names leave room for numbers.
const maxLabel = 28

func (t *table) addRowIfAny(label string, rounds []Round, value func(Round) Decimal) {
	row := tableRow{label: label}
	nonzero := false
	for _, round := range rounds {
		v := value(round)
		nonzero = nonzero || v.Units != 0
		row.cells = append(row.cells, v.String()+"  ")
	}
	if nonzero {
		t.rows = append(t.rows, row)
	}
}

func (t table) write(b *sheetText) {
	labelW := width(t.corner)
	for _, row := range t.rows {
		labelW = max(labelW, width(row.label))
	}
	if !b.whole {
		labelW = min(labelW, maxLabel)
	}
	colW := make([]int, len(t.head))
	for j, h := range t.head {
		colW[j] = width(h)
		for _, row := range t.rows {
			colW[j] = max(colW[j], width(row.cells[j]))
		}
	}
	for start := 0; start < len(colW); {
		end, used := start+1, labelW+2+colW[start]
		for end < len(colW) && used+2+colW[end] <= sheetWidth {
			used += 2 + colW[end]
			end++
		}
		if start > 0 {
			b.WriteString("\n")
		}
		writeTableLine(b, t.corner, t.head[start:end], labelW, colW[start:end])
		for _, row := range t.rows {
			writeTableLine(b, row.label, row.cells[start:end], labelW, colW[start:end])
		}
		start = end
	}
}

func writeTableLine(b *sheetText, label string, cells []string, labelW int, colW []int) {
	var line strings.Builder
	line.WriteString(pad(fit(label, labelW), labelW, false))
	for j, cell := range cells {
		line.WriteString("  " + pad(cell, colW[j], true))
	}
	b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
}

// fit shortens s to n columns, marking the cut with an ellipsis; a wide
// character is never cut in half.
func fit(s string, n int) string {
	if width(s) <= n {
		return s
	}
	var out strings.Builder
	used, state := 0, -1
	for s != "" {
		var g string
		var w int
		g, s, w, state = uniseg.FirstGraphemeClusterInString(s, state)
		if used+w > n-1 {
			break
		}
		out.WriteString(g)
		used += w
	}
	return out.String() + "…"
}

func pad(s string, n int, right bool) string {
	gap := strings.Repeat(" ", max(0, n-width(s)))
	if right {
		return gap + s
	}
	return s + gap
}

// JSON returns the result as indented JSON for scripts: candidates by
// name, every decimal as a string so no digit is lost, keys in a fixed
// order.
func (r *Result) JSON() ([]byte, error) {
	v := resultJSON{
		Method:     r.Method,
		Seats:      r.Seats,
		Ballots:    r.Ballots,
		Candidates: make([]string, len(r.Candidates)),
		Elected:    r.nameList(r.Elected),
		Rounds:     make([]roundJSON, len(r.Rounds)),
		Ties:       make([]tieJSON, len(r.Ties)),
		Pairwise:   r.Pairwise,
		Strength:   r.Strength,
		Notes:      nonNil(r.Notes),
		Phrases:    r.NotePhrases,
	}
	for c := range r.Candidates {
		v.Candidates[c] = r.name(c)
	}
	for _, group := range r.Order {
		v.Order = append(v.Order, r.nameList(group))
	}
	if len(r.Dropped) > 0 {
		v.Dropped = r.nameList(r.Dropped)
	}
	if r.Method == YesNo {
		v.Passed = &r.Passed
	}
	for i, round := range r.Rounds {
		v.Rounds[i] = r.roundJSON(round)
	}
	for i, t := range r.Ties {
		v.Ties[i] = tieJSON{Round: t.Round, Purpose: t.Purpose, Candidates: r.nameList(t.Candidates), Chosen: r.name(t.Chosen), Rule: t.Rule,
			RulePhrase: t.RulePhrase}
	}
	return json.MarshalIndent(v, "", "  ")
}

type resultJSON struct {
	Method     Method      `json:"method"`
	Seats      int         `json:"seats"`
	Ballots    int64       `json:"ballots"`
	Candidates []string    `json:"candidates"`
	Elected    []string    `json:"elected"`
	Order      [][]string  `json:"order,omitempty"`
	Dropped    []string    `json:"dropped,omitempty"`
	Passed     *bool       `json:"passed,omitempty"`
	Rounds     []roundJSON `json:"rounds"`
	Ties       []tieJSON   `json:"ties"`
	Pairwise   [][]int64   `json:"pairwise,omitempty"`
	Strength   [][]int64   `json:"strength,omitempty"`
	Notes      []string    `json:"notes"`
	// Phrases say Notes in any language (docs/formats.md); absent from
	// a result counted before they were kept.
	Phrases []Phrase `json:"note_phrases,omitempty"`
}

type roundJSON struct {
	Number     int       `json:"number"`
	Action     string    `json:"action"`
	Totals     namedJSON `json:"totals"`
	Status     namedJSON `json:"status"`
	Elected    []string  `json:"elected"`
	Excluded   []string  `json:"excluded"`
	Exhausted  Decimal   `json:"exhausted"`
	Loss       Decimal   `json:"loss"`
	Quota      Decimal   `json:"quota"`
	Surplus    Decimal   `json:"surplus"`
	Iterations int       `json:"iterations,omitempty"`
	Notes      []string  `json:"notes"`
	// The action and notes as phrases, as Result.Phrases.
	ActionPhrase *Phrase  `json:"action_phrase,omitempty"`
	NotePhrases  []Phrase `json:"note_phrases,omitempty"`
}

type tieJSON struct {
	Round      int      `json:"round"`
	Purpose    string   `json:"purpose"`
	Candidates []string `json:"candidates"`
	Chosen     string   `json:"chosen"`
	Rule       string   `json:"rule"`
	RulePhrase *Phrase  `json:"rule_phrase,omitempty"`
}

func (r *Result) roundJSON(round Round) roundJSON {
	v := roundJSON{
		Number: round.Number, Action: round.Action,
		Elected: r.nameList(round.Elected), Excluded: r.nameList(round.Excluded),
		Exhausted: round.Exhausted, Loss: round.Loss, Quota: round.Quota, Surplus: round.Surplus,
		Iterations: round.Iterations, Notes: nonNil(round.Notes),
		ActionPhrase: round.ActionPhrase, NotePhrases: round.NotePhrases,
	}
	for c := range r.Candidates {
		if c < len(round.Totals) {
			v.Totals = append(v.Totals, namedValue{r.name(c), round.Totals[c].String()})
		}
		if c < len(round.Status) {
			v.Status = append(v.Status, namedValue{r.name(c), round.Status[c].String()})
		}
	}
	return v
}

// namedJSON is a JSON object from candidate names to strings that keeps
// the candidates' ballot order, which a map would lose.
type namedJSON []namedValue

type namedValue struct{ name, value string }

func (n namedJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, v := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(v.name)
		val, _ := json.Marshal(v.value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (r *Result) nameList(cands []int) []string {
	s := make([]string, len(cands))
	for i, c := range cands {
		s[i] = r.name(c)
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
