package booth

// langNote says why the booth speaks English to a member who chose
// another language: their terminal's locale shows only ASCII (the same
// message linear mode prints and `ssh HOST set lang` gives). It stands
// under home's header, and under the request to enlarge a terminal too
// small for the booth, until the member's first key: read once, it then
// gives its rows back to the list. "" when there is nothing to say.
func (m *model) langNote() string {
	l := m.s.LangUnreadable
	if l == "" || m.langNoteRead {
		return ""
	}
	return wrap(m.st.warn.Render(m.p.T("Your language is set to %s, but your terminal's locale shows only ASCII, so the booth speaks English here; connect with a UTF-8 locale (ssh -o SetEnv=LANG=en_US.UTF-8) to read it in %s.", l, l)), max(m.w, 1))
}
