package ssh

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"
)

// leaseTTL is how long a booth session's lease lives unless renewed. The
// server renews its leases at every lifecycle tick, so a front end that
// dies frees its members' places within this time.
const leaseTTL = 3 * tickEvery

// leaseKeeper keeps session leases in the database (models.Service does).
type leaseKeeper interface {
	AcquireLease(ctx context.Context, memberID, holder string, limit int, ttl time.Duration, now time.Time) (string, error)
	RenewLeases(ctx context.Context, ids []string, ttl time.Duration, now time.Time) error
	ReleaseLease(ctx context.Context, id string) error
}

// sessionLeases holds this front end's leases in the store: one per booth
// session, so a member's session limit holds across every front end that
// shares the database.
type sessionLeases struct {
	store  leaseKeeper
	holder string
	limit  int
	now    func() time.Time

	mu   sync.Mutex
	held map[string]struct{}
}

func newSessionLeases(store leaseKeeper, limit int, now func() time.Time) *sessionLeases {
	return &sessionLeases{store: store, holder: frontEndName(), limit: limit, now: now, held: map[string]struct{}{}}
}

// frontEndName tells front ends apart in the lease table.
func frontEndName() string {
	host, _ := os.Hostname()
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(suffix))
}

// acquire takes a lease for one of member's sessions. It returns
// models.ErrTooManySessions when the member already holds the limit.
func (l *sessionLeases) acquire(ctx context.Context, member string) (release func(), err error) {
	id, err := l.store.AcquireLease(ctx, member, l.holder, l.limit, leaseTTL, l.now())
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.held[id] = struct{}{}
	l.mu.Unlock()
	return sync.OnceFunc(func() {
		l.mu.Lock()
		delete(l.held, id)
		l.mu.Unlock()
		// The session is over whatever its context says; an unreleased
		// lease expires on its own.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = l.store.ReleaseLease(ctx, id)
	}), nil
}

// renew extends every lease this front end holds.
func (l *sessionLeases) renew(ctx context.Context) error {
	l.mu.Lock()
	ids := make([]string, 0, len(l.held))
	for id := range l.held {
		ids = append(ids, id)
	}
	l.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	return l.store.RenewLeases(ctx, ids, leaseTTL, l.now())
}
