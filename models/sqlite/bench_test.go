package sqlite

import (
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/storetest"
)

// BenchmarkCast measures durable casts per second on this disk: each is a
// BEGIN IMMEDIATE transaction committed with synchronous=FULL.
func BenchmarkCast(b *testing.B) {
	storetest.BenchCast(b, []models.Store{newStore(b)})
}
