package models

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vote.example.org/booth/models/safetext"
)

// WriteNominations writes an election's nominations as a table for
// people: nominee, name, state, supporters (their IDs when shown, else
// their number) and, for a rejected one, the officers' reason. Text
// others wrote goes through safetext.Show.
func WriteNominations(w io.Writer, e Election, ns []NominationView) error {
	r := e.Nominations
	fmt.Fprintf(w, "Nominations for %s (%s): %s to %s; %s\n", e.ID, safetext.Show(e.Title), minute(r.Opens), minute(r.Closes), nominationState(e))
	if len(ns) == 0 {
		_, err := fmt.Fprintln(w, "No nominations yet.")
		return err
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NOMINEE\tNAME\tSTATE\tSUPPORTERS")
	for _, n := range ns {
		sup := fmt.Sprint(n.SupporterCount)
		if n.Supporters != nil {
			sup = strings.Join(n.Supporters, ", ")
		}
		state := string(n.State)
		if n.State == NominationRejected {
			state += ": " + safetext.Show(n.Reason)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n.NomineeID, safetext.Show(n.Name), state, sup)
	}
	return tw.Flush()
}

// nominationState says where an election's nominations stand.
func nominationState(e Election) string {
	r := e.Nominations
	switch {
	case r.Closed:
		return "closed: the accepted nominees are the candidates"
	case e.OpenRefused == e.Definition.Fingerprint():
		return "closed with too few accepted nominees: the officers may extend them"
	}
	return fmt.Sprintf("%s needed per nominee, self-nomination %s", countSupporters(r.Supporters), map[bool]string{true: "allowed", false: "not allowed"}[r.Self])
}

func countSupporters(n int) string {
	if n == 1 {
		return "1 supporter"
	}
	return fmt.Sprintf("%d supporters", n)
}
