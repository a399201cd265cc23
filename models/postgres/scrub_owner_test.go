package postgres

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

// TestScrubRefusedWhenRoleDoesNotOwnTables (issue 10 item 1, review F1):
// when booth's role has only DML rights on tables another role owns,
// VACUUM (FULL) skips them with a warning and succeeds. The close must then
// stay "closed, not scrubbed", with an error naming the role and the
// tables, and the count must refuse it; once the role owns the tables,
// compact finishes the scrub.
func TestScrubRefusedWhenRoleDoesNotOwnTables(t *testing.T) {
	dsn := pgtest.Database(t)
	owner := openTest(t, dsn)
	ids := storetest.MemberIDs(5)
	storetest.Setup(t, owner, ids, nil)
	u, err := url.Parse(dsn)
	must(t, err)
	db := u.Path[1:]
	role := "nonowner_" + db
	for _, q := range []string{
		`DROP ROLE IF EXISTS ` + role,
		`CREATE ROLE ` + role + ` LOGIN PASSWORD 'pw'`,
		`GRANT CONNECT, TEMPORARY ON DATABASE ` + db + ` TO ` + role,
		`GRANT USAGE, CREATE ON SCHEMA public TO ` + role,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + role,
		`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ` + role,
	} {
		if _, err := owner.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		owner.pool.Exec(ctx, `DROP OWNED BY `+role)
		owner.pool.Exec(ctx, `DROP ROLE `+role)
	})
	app := openTest(t, fmt.Sprintf("postgres://%s:pw@127.0.0.1:5432/%s", role, db))
	at := storetest.T0.Add(time.Hour)
	for i, id := range slices.Backward(ids) {
		must(t, storetest.At(app, at).Cast(ctx, storetest.CastIn(id, fmt.Sprint("b", i))))
	}
	err = storetest.At(app, at).CloseElection(ctx, "e1", storetest.Officer)
	var se *models.ScrubError
	if !errors.As(err, &se) {
		t.Fatalf("close as a role that owns no table: %v, want a ScrubError", err)
	}
	for _, want := range []string{role, "box", "roll", "replaced", "OWNER TO"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the scrub error does not name %q: %v", want, err)
		}
	}
	e, err := app.Election(ctx, "e1")
	must(t, err)
	if e.State != models.Closed || !e.ScrubPending {
		t.Fatalf("e1 is %s, scrub pending %v; want closed, not scrubbed", e.State, e.ScrubPending)
	}
	svc := models.NewService(app)
	svc.Now = func() time.Time { return at }
	if _, err := svc.Count(ctx, "e1", nil, storetest.Officer); !errors.Is(err, models.ErrNotScrubbed) {
		t.Errorf("count of an unscrubbed election: %v, want ErrNotScrubbed", err)
	}

	for _, table := range strings.Split(vacuumTables, ", ") {
		if _, err := owner.pool.Exec(ctx, `ALTER TABLE `+table+` OWNER TO `+role); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.Scrub(ctx, time.Second, storetest.Officer); err != nil {
		t.Fatalf("scrub once booth's role owns the tables: %v", err)
	}
	if e, _ := app.Election(ctx, "e1"); e.ScrubPending {
		t.Error("e1 still pending after a scrub by the tables' owner")
	}
}
