package i18n

import (
	"fmt"
	"strings"
)

// Error is an error whose text is a message: it keeps its English format
// and arguments, so that the code that made it (models, deep inside a
// store's transaction) needs no Printer, and the code that shows it to a
// member says it in the member's language (Printer.Err). Its Error() is
// the English fmt.Errorf would give, and it wraps what fmt.Errorf would
// wrap, so officers, logs and errors.Is see no difference.
type Error struct {
	format string
	args   []any
	err    error // fmt.Errorf(format, args...)
}

// Errorf is fmt.Errorf whose message a Printer can translate: format is
// the message's key. %w wraps as it does for fmt.Errorf.
func Errorf(format string, args ...any) error {
	return &Error{format: format, args: args, err: fmt.Errorf(format, args...)}
}

func (e *Error) Error() string { return e.err.Error() }

// Unwrap is what fmt.Errorf's error wraps: none, one, or several (one
// per %w).
func (e *Error) Unwrap() []error { return unwrapped(e.err) }

// Text is a message kept in English until it is shown: a phrase made
// where no Printer is at hand (models) that becomes part of an error or
// of another message. Its String is the English; In, and Printer.Err
// for an error with it as an argument, translate it. The zero Text is no text.
type Text struct {
	format string
	args   []any
}

// Textf is the Text whose English is format with args, as fmt puts them
// in; format is its key.
func Textf(format string, args ...any) Text { return Text{format: format, args: args} }

// String is the English.
func (t Text) String() string { return sprintf(t.format, t.args...) }

// IsZero reports whether t is no text.
func (t Text) IsZero() bool { return t.format == "" }

// In is t in p's language.
func (t Text) In(p Printer) string {
	if p.loc == nil {
		return t.String()
	}
	return p.say(t.format, t.args)
}

// Phrase is a value that says itself in a Printer's language (a Text, a
// state's word); as an argument of an Error or a Text it is said in the
// Printer's language. In with the zero Printer must be what fmt prints
// for the value, so that the English stays fmt's.
type Phrase interface {
	In(p Printer) string
}

// Err is err's text in p's language. An *Error says its message, its
// arguments that are errors or Phrases said in p's language too. Any other
// error is its English, except that the text of an error it wraps, where
// it quotes it (fmt.Errorf("election %s: %w", id, err) does), is said in
// p's language: so a message made in models is translated however many
// plain wrappers it went through on its way to the member. English is
// always err.Error(), byte for byte.
func (p Printer) Err(err error) string {
	if err == nil {
		return ""
	}
	if p.loc == nil {
		return err.Error()
	}
	if e, ok := err.(*Error); ok {
		return p.say(e.format, e.args)
	}
	s := err.Error()
	for _, in := range unwrapped(err) {
		if in == nil {
			continue
		}
		// A wrapper adds its words before what it wraps (fmt.Errorf's
		// "doing x: %w"): the last place the English stands is the quote.
		if en := in.Error(); en != "" {
			if i := strings.LastIndex(s, en); i >= 0 {
				s = s[:i] + p.Err(in) + s[i+len(en):]
			}
		}
	}
	return s
}

// unwrapped is what err wraps: none, one, or several.
func unwrapped(err error) []error {
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	case interface{ Unwrap() error }:
		return []error{u.Unwrap()}
	}
	return nil
}

// say is the message with key format in p's language, its errors and
// Phrases among args said in p's language, %w read as %v.
func (p Printer) say(format string, args []any) string {
	s := p.lookup(format, nil)
	if len(args) == 0 {
		return s
	}
	out := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case Phrase:
			out[i] = a.In(p)
		case error:
			out[i] = p.Err(a)
		default:
			out[i] = a
		}
	}
	return sprintf(wrapVerbs(s), out...)
}

// wrapVerbs is format with each %w verb made %v: Sprintf does not know
// %w, and an error's argument is by then its text.
func wrapVerbs(format string) string {
	if !strings.Contains(format, "%") {
		return format
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		b.WriteByte(c)
		if c != '%' {
			continue
		}
		// Copy the verb's flags, index, width and precision, then the
		// verb, rewritten when it is w; "%%" is a literal percent.
		for i++; i < len(format); i++ {
			c = format[i]
			if c == 'w' {
				c = 'v'
			}
			b.WriteByte(c)
			if c == '%' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
				break
			}
		}
	}
	return b.String()
}
