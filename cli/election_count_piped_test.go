package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/sqlite"
	"vote.example.org/booth/tally"
)

// A sheet piped to another program keeps every name whole: only a
// terminal's sheet is fitted to eighty columns (item 12 of issue 12).
func TestElectionCountPipedKeepsNamesWhole(t *testing.T) {
	const long = "Maria-Fernanda Castellanos Villanueva de la Torre y Montenegro-Ibarras"
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.OpenTestData(dir, nil)
	must(t, err)
	svc := models.NewService(st)
	for _, id := range []string{"ann", "bob", "cy"} {
		must(t, st.AddMember(ctx, models.Member{ID: id, Name: strings.ToUpper(id)}, "test"))
	}
	now := time.Now().UTC()
	keyPath := filepath.Join(t.TempDir(), "e1.key")
	_, _, err = svc.CreateElection(ctx, models.Definition{
		ID: "e1", Title: "Board", Method: tally.IRV, Seats: 1,
		Candidates: []models.Candidate{{ID: "mf", Name: long}, {ID: "ken", Name: "Ken"}, {ID: "ada", Name: "Ada"}},
		OpensAt:    now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), TieSeed: "s",
	}, keyPath, "test")
	must(t, err)
	must(t, svc.OpenElection(ctx, "e1", "test"))
	st.Close()
	for member, text := range map[string]string{"ann": "mf\n", "bob": "ken\nmf\n", "cy": "ada\nken\n"} {
		mustBooth(t, text, "--data", dir, "cast", "e1", "--member", member)
	}
	closeElection(t, dir)
	for _, args := range [][]string{{"election", "count", "e1", "--key", keyPath}, {"election", "results", "e1"}} {
		out := mustBooth(t, "", append([]string{"--data", dir}, args...)...)
		if strings.Contains(out, "…") {
			t.Errorf("booth %s, piped, cut a name:\n%s", strings.Join(args, " "), out)
		}
		row := false
		for _, l := range strings.Split(out, "\n") {
			row = row || strings.HasPrefix(l, long+"  ")
		}
		if !row {
			t.Errorf("booth %s, piped, has no table row for %q:\n%s", strings.Join(args, " "), long, out)
		}
	}
}
