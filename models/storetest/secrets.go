package storetest

import (
	"bytes"
	"sync"
	"testing"

	"vote.example.org/booth/models"
)

// secret is a candidate-order secret of the right size filled with b.
func secret(b byte) []byte { return bytes.Repeat([]byte{b}, models.OrderSecretSize) }

// The candidate-order secret is stored once (issue 10 item 2): the first
// one offered is kept and returned ever after; a secret too short to be
// one is refused and not stored.
func testOrderSecret(t *testing.T, s models.Store) {
	if _, err := s.OrderSecret(ctx, []byte("short")); err == nil {
		t.Error("a 5-byte secret was taken")
	}
	got, err := s.OrderSecret(ctx, secret(1))
	must(t, err)
	if !bytes.Equal(got, secret(1)) {
		t.Fatalf("the first secret offered came back as %x", got)
	}
	for _, fresh := range [][]byte{secret(2), nil} {
		again, err := s.OrderSecret(ctx, fresh)
		must(t, err)
		if !bytes.Equal(again, secret(1)) {
			t.Errorf("offered %x, the store returned %x, want the first secret", fresh, again)
		}
	}
}

// Front ends starting together on one database each offer their own
// secret; all of them get the same one back.
func testOrderSecretRace(t *testing.T, stores []models.Store) {
	const n = 16
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			got[i], err = stores[i%len(stores)].OrderSecret(ctx, secret(byte(i+1)))
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i], got[0]) || len(got[i]) != models.OrderSecretSize {
			t.Fatalf("front end %d got secret %x, front end 0 got %x", i, got[i], got[0])
		}
	}
}
