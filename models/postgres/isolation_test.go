package postgres

import (
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

// TestCastRechecksCasterWhateverTheDefaultIsolation (issue 10 item 5): a
// cast that waits on its member's advisory lock while an officer removes
// the key or suspends the member must see the change once the lock is
// let go, whatever the database's default_transaction_isolation. Under
// REPEATABLE READ or SERIALIZABLE the cast's snapshot would be taken by
// its first statement, before the wait, and the cast would go through;
// the store's writes therefore ask for READ COMMITTED themselves.
func TestCastRechecksCasterWhateverTheDefaultIsolation(t *testing.T) {
	changes := []struct {
		name   string
		change string
		want   error
	}{
		{"key removed", `DELETE FROM keys WHERE member_id = 'a'`, models.ErrKeyRevoked},
		{"member suspended", `UPDATE members SET status = 'suspended' WHERE id = 'a'`, models.ErrInactive},
	}
	for _, iso := range []string{"read committed", "repeatable read", "serializable"} {
		for _, ch := range changes {
			t.Run(iso+"/"+ch.name, func(t *testing.T) {
				dsn := pgtest.Database(t)
				admin, err := pgx.Connect(ctx, dsn)
				must(t, err)
				defer admin.Close(ctx)
				s := openTest(t, dsn)
				storetest.Setup(t, s, []string{"a", "b"}, nil)
				storetest.At(s, storetest.T0.Add(time.Hour))
				var db string
				must(t, admin.QueryRow(ctx, `SELECT current_database()`).Scan(&db))
				_, err = admin.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{db}.Sanitize()+` SET default_transaction_isolation = '`+iso+`'`)
				must(t, err)
				s.pool.Reset() // new connections pick the setting up

				// The officer's change, in flight: it holds the member's
				// lock exclusive, as RemoveKey and SetMemberStatus do.
				officer, err := admin.Begin(ctx)
				must(t, err)
				_, err = officer.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockMember, "a")
				must(t, err)
				_, err = officer.Exec(ctx, ch.change)
				must(t, err)
				done := make(chan error, 1)
				go func() { done <- s.Cast(ctx, storetest.CastIn("a", "ra")) }()
				time.Sleep(300 * time.Millisecond) // the cast reaches the lock and waits
				must(t, officer.Commit(ctx))
				if err := <-done; !errors.Is(err, ch.want) {
					t.Errorf("default isolation %s, %s while the cast waited: cast gave %v, want %v", iso, ch.name, err, ch.want)
				}
				// No ballot went in.
				var n int
				must(t, admin.QueryRow(ctx, `SELECT count(*) FROM box`).Scan(&n))
				if n != 0 {
					t.Errorf("default isolation %s, %s: %d ballots in the box, want 0", iso, ch.name, n)
				}
			})
		}
	}
}
