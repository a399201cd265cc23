package tally

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words says a count's sentences and its sheet's labels in a reader's
// language. The key of every text is its English, a fmt format, as the
// booth's message catalogue keys its messages; English itself needs no
// catalogue (English). tally defines only what it needs, so that it never
// depends on the booth's catalogue.
type Words interface {
	// T is format in the reader's language with args put in as fmt does.
	T(format string, args ...any) string
	// N is T for a text about a count n: one is its English when n is 1,
	// other otherwise, and other is the key.
	N(n int, one, other string, args ...any) string
	// List joins items (names, or clauses) into one phrase; style is how
	// the English record joins them, which another language may ignore.
	List(items []string, style Join) string
}

// Join is how English joins a list in a count's record. The record's
// English is published and must never change, and it joins lists in
// three ways, so the style is kept with each list.
type Join string

// The ways a count's record joins lists.
const (
	// JoinAnd is "A, B and C".
	JoinAnd Join = ""
	// JoinEachAnd is "A and B and C" (STV's actions).
	JoinEachAnd Join = "each-and"
	// JoinComma is "A, B, C" (tie notes).
	JoinComma Join = "comma"
	// JoinClauses is "x; y", for clauses of one sentence.
	JoinClauses Join = "clauses"
)

// English is Words for English: every text is its own key.
type English struct{}

// T is format with args put in as fmt does; a text without arguments or
// without verbs is itself, as the booth's catalogue leaves it.
func (English) T(format string, args ...any) string {
	if len(args) == 0 || !strings.Contains(format, "%") {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// N is one when n is 1, else other, with args put in.
func (e English) N(n int, one, other string, args ...any) string {
	if n == 1 {
		return e.T(one, args...)
	}
	return e.T(other, args...)
}

// List joins items as the count's record always has, in style.
func (English) List(items []string, style Join) string {
	switch {
	case len(items) == 0:
		return ""
	case style == JoinEachAnd:
		return strings.Join(items, " and ")
	case style == JoinComma:
		return strings.Join(items, ", ")
	case style == JoinClauses:
		return strings.Join(items, "; ")
	case len(items) == 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Phrase is one sentence of a count's record (a round's action, a note, a
// tie's rule) kept so that any language can say it: Format is the English
// fmt format and the catalogue's key, and Args fill its verbs in order.
// The record's English strings (Round.Action, Round.Notes, Result.Notes,
// Tie.Rule) are this phrase said in English.
type Phrase struct {
	Format string `json:"format"`
	// One is the English for a count of one, when the phrase is about
	// the count its first Count argument holds ("%d approval").
	One  string `json:"one,omitempty"`
	Args []Arg  `json:"args,omitempty"`
	// Capital upper-cases the first letter: a clause that can stand mid
	// sentence opens one here.
	Capital bool `json:"capital,omitempty"`
}

// Arg is one argument of a phrase; exactly one of its fields is set.
type Arg struct {
	// Names are candidates, as indexes into Result.Candidates, joined by
	// Join. A name is the officer's and never translated.
	Names []int `json:"names,omitempty"`
	Join  Join  `json:"join,omitempty"`
	// Count is a whole number (%d).
	Count *int64 `json:"count,omitempty"`
	// Decimal is a vote total (%s).
	Decimal *Decimal `json:"decimal,omitempty"`
	// Word is a word of the count's vocabulary ("exclude", "lot"),
	// itself a key.
	Word string `json:"word,omitempty"`
	// Phrases are clauses, joined by Join.
	Phrases []Phrase `json:"phrases,omitempty"`
	// Text is a figure written the same in every language ("68.6%",
	// "2:3").
	Text string `json:"text,omitempty"`
}

// say is a phrase whose format is a catalogue key (the catalogue's test
// finds the keys through it).
func say(format string, args ...Arg) Phrase { return Phrase{Format: format, Args: args} }

// sayN is say for a phrase about a count: one is its English for one.
func sayN(one, other string, args ...Arg) Phrase {
	return Phrase{Format: other, One: one, Args: args}
}

// key marks a word of the count's vocabulary as a catalogue key where it
// is written; it returns s unchanged.
func key(s string) string { return s }

func names(c ...int) Arg              { return Arg{Names: c} }
func namesJoined(j Join, c []int) Arg { return Arg{Names: c, Join: j} }
func count(n int64) Arg               { return Arg{Count: &n} }
func decimal(d Decimal) Arg           { return Arg{Decimal: &d} }
func word(w string) Arg               { return Arg{Word: w} }
func text(s string) Arg               { return Arg{Text: s} }
func clause(p Phrase) Arg             { return Arg{Phrases: []Phrase{p}} }
func clauses(j Join, p []Phrase) Arg  { return Arg{Phrases: p, Join: j} }

// Say is p in w's language, or ok=false when p names a candidate the
// result does not have (a record damaged or made elsewhere).
func (r *Result) Say(w Words, p Phrase) (s string, ok bool) {
	args := make([]any, len(p.Args))
	var n int64
	counted := false
	for i, a := range p.Args {
		switch {
		case a.Names != nil:
			items := make([]string, len(a.Names))
			for j, c := range a.Names {
				if c < 0 || c >= len(r.Candidates) {
					return "", false
				}
				items[j] = r.name(c)
			}
			args[i] = w.List(items, a.Join)
		case a.Count != nil:
			args[i] = *a.Count
			if !counted {
				n, counted = *a.Count, true
			}
		case a.Decimal != nil:
			args[i] = a.Decimal.String()
		case a.Word != "":
			args[i] = w.T(a.Word, noArgs...)
		case a.Phrases != nil:
			items := make([]string, len(a.Phrases))
			for j, q := range a.Phrases {
				if items[j], ok = r.Say(w, q); !ok {
					return "", false
				}
			}
			args[i] = w.List(items, a.Join)
		default:
			args[i] = a.Text
		}
	}
	if p.One != "" {
		s = w.N(int(n), p.One, p.Format, args...)
	} else {
		s = w.T(p.Format, args...)
	}
	if p.Capital {
		s = capitalize(s)
	}
	return s, true
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	c, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(c)) + s[size:]
}

// english is p in English: what the record's strings hold. The count
// builds every phrase from its own candidates, so none is missing.
func (r *Result) english(p Phrase) string {
	s, _ := r.Say(English{}, p)
	return s
}

// act sets what round did.
func (round *Round) act(r *Result, p Phrase) {
	round.Action, round.ActionPhrase = r.english(p), &p
}

// note adds a note to round.
func (round *Round) note(r *Result, p Phrase) {
	round.Notes = append(round.Notes, r.english(p))
	round.NotePhrases = append(round.NotePhrases, p)
}

// note adds a note on the outcome as a whole.
func (r *Result) note(p Phrase) {
	r.Notes = append(r.Notes, r.english(p))
	r.NotePhrases = append(r.NotePhrases, p)
}

// RoundAction is what round did, in w's language. The record's English
// (round.Action) is what was published; its phrase is said only when, in
// English, it is exactly that record, so a phrase stored before phrases
// were checked, damaged, or carried by a bundle made elsewhere never says
// another round than the record does.
func (r *Result) RoundAction(w Words, round Round) string {
	return r.sayRecord(w, round.ActionPhrase, round.Action)
}

// RoundNotes are round's notes in w's language, or in their English as
// RoundAction falls back.
func (r *Result) RoundNotes(w Words, round Round) []string {
	return r.sayAll(w, round.NotePhrases, round.Notes)
}

// OutcomeNotes are the notes on the outcome (Result.Notes) in w's
// language, or in their English as RoundAction falls back.
func (r *Result) OutcomeNotes(w Words) []string { return r.sayAll(w, r.NotePhrases, r.Notes) }

// TieRule is what broke t, in w's language, or its English as RoundAction
// falls back.
func (r *Result) TieRule(w Words, t Tie) string { return r.sayRecord(w, t.RulePhrase, t.Rule) }

// sayRecord is p in w's language when p says english, else english.
func (r *Result) sayRecord(w Words, p *Phrase, english string) string {
	if p == nil || !r.says(*p, english) {
		return english
	}
	s, _ := r.Say(w, *p)
	return s
}

// sayAll is english in w's language when phrases say it, note for note;
// notes are said all in one language or all in their English.
func (r *Result) sayAll(w Words, phrases []Phrase, english []string) []string {
	phrases = r.matching(phrases, english)
	if phrases == nil {
		return english
	}
	out := make([]string, len(phrases))
	for i, p := range phrases {
		out[i], _ = r.Say(w, p)
	}
	return out
}

// says reports whether p, in English with r's candidates, is english: the
// one check that a phrase may be said for a record (here, and where
// WithPhrasesOf adopts a recount's phrases).
func (r *Result) says(p Phrase, english string) bool {
	s, ok := r.Say(English{}, p)
	return ok && s == english
}

// matching are phrases when each says its note of english in turn, or
// nil.
func (r *Result) matching(phrases []Phrase, english []string) []Phrase {
	if len(phrases) != len(english) {
		return nil
	}
	for i, p := range phrases {
		if !r.says(p, english[i]) {
			return nil
		}
	}
	return phrases
}

// noArgs says a text that is no format: a word of the vocabulary.
var noArgs []any
