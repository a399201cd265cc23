package models

import (
	"context"
	"errors"
	"sync"
)

// knownQueued is what one front end knows is queued: the notices the
// store queued or refused as queued already (ErrExists) for it. A notice
// once queued stays queued (its row is never deleted), so the clock need
// not ask the store again at every tick for what it knows; the store's
// unique key still decides between front ends, each of which asks once.
type knownQueued struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (k *knownQueued) has(id string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.ids[id]
}

func (k *knownQueued) add(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ids == nil {
		k.ids = map[string]bool{}
	}
	k.ids[id] = true
}

// keepOnly forgets every notice but those in due: a notice no longer due
// is never asked for again, and the memory stays the size of what is due
// now rather than of every term and election the process saw.
func (k *knownQueued) keepOnly(due map[string]bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for id := range k.ids {
		if !due[id] {
			delete(k.ids, id)
		}
	}
}

// queueOnce is store.QueueNotice for the clock: a notice this front end
// knows is queued is refused as the store would refuse it (ErrExists)
// without asking the store.
func (s *Service) queueOnce(ctx context.Context, n Notice, actor string) (int, error) {
	id := n.ID()
	if s.queued.has(id) {
		return 0, NoticeQueued(n)
	}
	rows, err := s.store.QueueNotice(ctx, n, actor)
	if err == nil || errors.Is(err, ErrExists) {
		s.queued.add(id)
	}
	return rows, err
}
