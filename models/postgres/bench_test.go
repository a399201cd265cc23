package postgres

import (
	"fmt"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/postgres/pgtest"
	"vote.example.org/booth/models/storetest"
)

// BenchmarkCast measures durable casts per second (each a transaction
// committed with the server's synchronous_commit) through one front end's
// pool, and through two pools on the same database as two front ends
// would cast.
func BenchmarkCast(b *testing.B) {
	for _, frontEnds := range []int{1, 2} {
		b.Run(fmt.Sprintf("frontends=%d", frontEnds), func(b *testing.B) {
			dsn := pgtest.Database(b)
			stores := make([]models.Store, frontEnds)
			clock := storetest.NewClock()
			for i := range stores {
				stores[i] = openTestClock(b, dsn, clock)
			}
			storetest.BenchCast(b, stores)
		})
	}
}
