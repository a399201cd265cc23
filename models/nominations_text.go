package models

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// WriteNominations writes an election's nominations as a table for
// people: nominee, name, state, supporters (their IDs when shown, else
// their number) and, for a rejected one, the officers' reason. Text
// others wrote goes through safetext.Show.
func WriteNominations(w io.Writer, e Election, ns []NominationView) error {
	head, rows := NominationTable(i18n.Printer{}, e, ns)
	fmt.Fprintln(w, head)
	if rows == nil {
		_, err := fmt.Fprintln(w, "No nominations yet.")
		return err
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// NominationTable is WriteNominations' first line and table (its header
// row first; nil when there are no nominations) in p's language, for a
// front end that lays out the columns itself.
func NominationTable(p i18n.Printer, e Election, ns []NominationView) (string, [][]string) {
	r := e.Nominations
	head := p.T("Nominations for %s (%s): %s to %s; %s", e.ID, safetext.Show(e.Title), minute(r.Opens), minute(r.Closes), nominationState(p, e))
	if len(ns) == 0 {
		return head, nil
	}
	rows := [][]string{{p.T("NOMINEE"), p.T("NAME"), p.T("STATE"), p.T("SUPPORTERS")}}
	for _, n := range ns {
		sup := fmt.Sprint(n.SupporterCount)
		if n.Supporters != nil {
			sup = strings.Join(n.Supporters, ", ")
		}
		state := n.State.In(p)
		if n.State == NominationRejected {
			state += ": " + safetext.Show(n.Reason)
		}
		rows = append(rows, []string{n.NomineeID, safetext.Show(n.Name), state, sup})
	}
	return head, rows
}

// nominationState says where an election's nominations stand.
func nominationState(p i18n.Printer, e Election) string {
	r := e.Nominations
	switch {
	case r.Closed:
		return p.T("closed: the accepted nominees are the candidates")
	case e.OpenRefused == e.Definition.Fingerprint():
		return p.T("closed with too few accepted nominees: the officers may extend them")
	}
	if r.Self {
		return p.N(r.Supporters, "1 supporter needed per nominee, self-nomination allowed", "%d supporters needed per nominee, self-nomination allowed", r.Supporters)
	}
	return p.N(r.Supporters, "1 supporter needed per nominee, self-nomination not allowed", "%d supporters needed per nominee, self-nomination not allowed", r.Supporters)
}
