package tally

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// sheetWidth is the terminal width the result sheet must fit.
const sheetWidth = 80

// methodWords names each method the way a returning officer's sheet does.
var methodWords = map[Method]string{
	Schulze:  "Schulze method (Condorcet; winning votes, as Debian counts)",
	IRV:      "Instant-runoff voting",
	Meek:     "Meek STV (Proportional Representation Foundation reference rule)",
	Scottish: "Scottish STV (Scottish Local Government Elections Order 2007)",
	Approval: "Approval voting",
	YesNo:    "Yes/no question",
}

// WriteSheet writes the result as a returning officer's sheet in plain
// text that fits an 80-column terminal: the outcome first, then how it was
// reached, round by round, with every tie and how it was broken.
func (r *Result) WriteSheet(w io.Writer) error { return r.writeSheet(w, false) }

// WriteWholeSheet writes the sheet as WriteSheet does but with every name
// whole, however wide its table: for a sheet another program reads or a
// file keeps, where a name cut to fit a terminal would be lost.
func (r *Result) WriteWholeSheet(w io.Writer) error { return r.writeSheet(w, true) }

// sheetText is a sheet being written, and whether its names are kept whole.
type sheetText struct {
	strings.Builder
	whole bool
}

func (r *Result) writeSheet(w io.Writer, whole bool) error {
	b := sheetText{whole: whole}
	r.sheetHeader(&b)
	switch {
	case r.Method == YesNo:
		r.sheetTotals(&b, "Answer", "Votes")
	case r.Method == Approval:
		r.sheetTotals(&b, "Candidate", "Approvals")
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

func (r *Result) sheetHeader(b *sheetText) {
	fmt.Fprintf(b, "Method:         %s\n", r.Method.Words())
	if r.Method == YesNo {
		fmt.Fprintf(b, "Ballots:        %d\n", r.Ballots)
		outcome := "NOT PASSED"
		if r.Passed {
			outcome = "PASSED"
		}
		fmt.Fprintf(b, "Outcome:        %s\n", outcome)
		return
	}
	fmt.Fprintf(b, "Seats:          %d\n", r.Seats)
	fmt.Fprintf(b, "Valid ballots:  %d\n", r.Ballots)
	if q := r.quotaLine(); q != "" {
		fmt.Fprintf(b, "Quota:          %s\n", q)
	}
	r.nameLines(b, "Elected:        ", r.Elected, 16)
}

// quotaLine describes the quota, which Meek STV recalculates every round.
func (r *Result) quotaLine() string {
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
	return fmt.Sprintf("%s in round %d, %s in round %d", first, r.Rounds[0].Number, last, r.Rounds[len(r.Rounds)-1].Number)
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
	words := map[Status]string{Elected: "elected", Withdrawn: "withdrawn"}
	if r.Method == YesNo {
		words = map[Status]string{Elected: "carries"}
	}
	t := table{corner: corner, head: []string{head, ""}}
	for _, c := range order {
		status := ""
		if c < len(round.Status) {
			status = words[round.Status[c]]
		}
		t.rows = append(t.rows, tableRow{label: r.name(c), cells: []string{round.Totals[c].String(), status}})
	}
	b.WriteString("\n")
	t.write(b)
}

// sheetStages writes an STV or IRV count: what each round did, then the
// candidates' totals round by round.
func (r *Result) sheetStages(b *sheetText) {
	b.WriteString("\nRounds\n")
	for _, round := range r.Rounds {
		b.WriteString(wrap(fmt.Sprintf("  %3d  %s", round.Number, round.Action), 7))
	}
	t := table{corner: "Round"}
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
	t.addRowIfAny("Non-transferable", r.Rounds, func(x Round) Decimal { return x.Exhausted })
	t.addRowIfAny("Loss to rounding", r.Rounds, func(x Round) Decimal { return x.Loss })
	t.addRowIfAny("Quota", r.Rounds, func(x Round) Decimal { return x.Quota })
	b.WriteString("\n")
	t.write(b)
	b.WriteString("(E elected, X excluded, W withdrawn)\n")
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
	b.WriteString("\nOrder\n")
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
		b.WriteString("Dropped (quorum or required majority over the default option not met):\n")
		r.nameLines(b, "    ", r.Dropped, 4)
	}
	r.sheetMatrix(b, "Pairwise: voters preferring row to column", r.Pairwise)
	r.sheetMatrix(b, "Strongest paths: row to column", r.Strength)
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
	b.WriteString("\n" + title + "\n")
	t.write(b)
}

// sheetNotes writes each round's notes, the ties, and the overall notes.
func (r *Result) sheetNotes(b *sheetText) {
	var notes []string
	for _, round := range r.Rounds {
		for _, n := range round.Notes {
			notes = append(notes, fmt.Sprintf("Round %d: %s", round.Number, n))
		}
	}
	writeList(b, "Notes", notes)
	if len(r.Ties) > 0 {
		b.WriteString("\nTies\n")
		for _, t := range r.Ties {
			b.WriteString(wrap(fmt.Sprintf("  Round %d: tied to %s:", t.Round, t.Purpose), 4))
			r.nameLines(b, "      ", t.Candidates, 6)
			b.WriteString(wrap(fmt.Sprintf("    Chosen by %s: %s", t.Rule, r.name(t.Chosen)), 6))
		}
	}
	writeList(b, "Outcome", r.Notes)
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
		b.WriteString(wrap(prefix+"(none)", indent))
		return
	}
	for i, c := range cands {
		if i > 0 {
			prefix = strings.Repeat(" ", indent)
		}
		b.WriteString(wrap(prefix+r.name(c), indent))
	}
}

// wrap breaks text into lines of at most sheetWidth columns at spaces,
// indenting continuation lines, and ends it with a newline.
func wrap(text string, indent int) string {
	rest := strings.TrimLeft(text, " ")
	var b strings.Builder
	line := text[:len(text)-len(rest)]
	for i, word := range strings.Split(rest, " ") {
		if i > 0 && width(line)+1+width(word) > sheetWidth {
			b.WriteString(line + "\n")
			line = strings.Repeat(" ", indent) + word
			continue
		}
		if i > 0 {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

func width(s string) int { return utf8.RuneCountInString(s) }

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

// fit shortens s to n columns, marking the cut with an ellipsis.
func fit(s string, n int) string {
	if width(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
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
		v.Ties[i] = tieJSON{Round: t.Round, Purpose: t.Purpose, Candidates: r.nameList(t.Candidates), Chosen: r.name(t.Chosen), Rule: t.Rule}
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
}

type tieJSON struct {
	Round      int      `json:"round"`
	Purpose    string   `json:"purpose"`
	Candidates []string `json:"candidates"`
	Chosen     string   `json:"chosen"`
	Rule       string   `json:"rule"`
}

func (r *Result) roundJSON(round Round) roundJSON {
	v := roundJSON{
		Number: round.Number, Action: round.Action,
		Elected: r.nameList(round.Elected), Excluded: r.nameList(round.Excluded),
		Exhausted: round.Exhausted, Loss: round.Loss, Quota: round.Quota, Surplus: round.Surplus,
		Iterations: round.Iterations, Notes: nonNil(round.Notes),
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
