package models

import (
	"maps"
	"slices"
	"strings"

	"vote.example.org/booth/models/i18n"
)

// Translation is an election's own text in one more language, written by
// the officers: booth never machine-translates what they wrote. What a
// translation leaves out is shown as the definition's default text.
type Translation struct {
	Title       string `json:",omitempty"`
	Description string `json:",omitempty"` // Markdown
	// Statements are candidates' statements (Markdown) by candidate ID.
	Statements map[string]string `json:",omitempty"`
}

// In is the definition as a member reading lang sees it: the title,
// description and statements the officers wrote in lang where they wrote
// them, the default text elsewhere. The definition itself is unchanged.
func (d Definition) In(lang string) Definition {
	tr, ok := d.Translations[i18n.Match(lang)]
	if !ok {
		return d
	}
	if tr.Title != "" {
		d.Title = tr.Title
	}
	if tr.Description != "" {
		d.Description = tr.Description
	}
	if len(tr.Statements) > 0 {
		d.Candidates = slices.Clone(d.Candidates)
		for i, c := range d.Candidates {
			if s, ok := tr.Statements[c.ID]; ok {
				d.Candidates[i].Statement = s
			}
		}
	}
	return d
}

// translations reads the [lang.LANG] tables: for each language booth
// ships, a title, a description and [lang.LANG.candidate.ID] tables with
// a statement or statement_file, each checked as the default text is.
func (p *defParser) translations(root tbl, d *Definition) {
	v, ok := root.m["lang"]
	if !ok {
		return
	}
	langs, ok := v.(map[string]any)
	if !ok {
		p.at("lang", "lang must be a table for each language: write [lang.ja] followed by title = …, not %s", tomlType(v))
		return
	}
	codes := slices.Sorted(maps.Keys(langs))
	slices.SortStableFunc(codes, func(a, b string) int { return p.lines["lang."+a] - p.lines["lang."+b] })
	for _, code := range codes {
		path := "lang." + code
		if !slices.Contains(i18n.Languages, code) {
			p.at(path, "[lang.%s]: booth shows its screens in %s only, so no member would read this; use one of those codes", code, strings.Join(i18n.Languages, ", "))
			continue
		}
		m, ok := langs[code].(map[string]any)
		if !ok {
			p.at(path, "lang.%s must be a table: write [lang.%s] followed by title = …", code, code)
			continue
		}
		if tr := p.translation(tbl{path: path, schema: "lang", m: m}, d); tr.Title != "" || tr.Description != "" || len(tr.Statements) > 0 {
			if d.Translations == nil {
				d.Translations = map[string]Translation{}
			}
			d.Translations[code] = tr
		}
	}
}

func (p *defParser) translation(t tbl, d *Definition) Translation {
	p.unknown(t, "lang")
	var tr Translation
	if title, ok := p.str(t, "title"); ok {
		tr.Title = p.line(t, "title", title, "title")
	}
	if desc, ok := p.str(t, "description"); ok {
		tr.Description = p.markdown(t.key("description"), "description", desc)
	}
	v, ok := t.m["candidate"]
	if !ok {
		return tr
	}
	cands, ok := v.(map[string]any)
	if !ok {
		p.at(t.key("candidate"), "%s.candidate must hold a table for each candidate: write [%s.candidate.ID] followed by statement = …", t.path, t.path)
		return tr
	}
	for _, id := range slices.Sorted(maps.Keys(cands)) {
		path := t.key("candidate." + id)
		if d.candidate(id) == nil {
			p.at(path, "[%s]: %q is not the id of a candidate (the candidates: %s)", path, id, d.candidateIDs())
			continue
		}
		m, ok := cands[id].(map[string]any)
		if !ok {
			p.at(path, "%s must be a table: write [%s] followed by statement = …", path, path)
			continue
		}
		ct := tbl{path: path, schema: "lang.candidate", m: m}
		p.unknown(ct, "lang.candidate")
		if s := p.statement(ct); s != "" {
			if tr.Statements == nil {
				tr.Statements = map[string]string{}
			}
			tr.Statements[id] = s
		}
	}
	return tr
}

// statement reads a table's statement, given inline or as a
// statement_file, not both.
func (p *defParser) statement(t tbl) string {
	stmt, inline := p.str(t, "statement")
	file, fromFile := p.str(t, "statement_file")
	switch {
	case inline && fromFile:
		p.at(t.key("statement_file"), "give either statement or statement_file, not both")
	case inline:
		return p.markdown(t.key("statement"), "statement", stmt)
	case fromFile:
		return p.statementFile(t.key("statement_file"), file)
	}
	return ""
}
