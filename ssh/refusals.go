package ssh

import (
	"sync"
	"time"

	"charm.land/log/v2"
)

// refusalLogEvery is how often one reason for refusing or closing
// connections may write a line.
const refusalLogEvery = time.Second

// refusalLog writes refusals at most once per refusalLogEvery per reason:
// a flood is refused by the thousand a second, and one line per refusal
// would bury everything else in the log (and cost the disk). The lines
// in between are counted; the next line, or a line at the end of the
// second when no refusal follows, says how many were not written
// (suppressed=N). The addresses in them are lost: the first is kept.
type refusalLog struct {
	log   *log.Logger
	every time.Duration

	mu      sync.Mutex
	reasons map[string]*refusals
}

type refusals struct {
	last       time.Time
	suppressed int
	flush      *time.Timer
}

func newRefusalLog(l *log.Logger, every time.Duration) *refusalLog {
	return &refusalLog{log: l, every: every, reasons: map[string]*refusals{}}
}

// warn logs reason with keyvals, or counts it if reason was logged less
// than every ago.
func (r *refusalLog) warn(reason string, keyvals ...any) {
	r.mu.Lock()
	st := r.reasons[reason]
	if st == nil {
		st = &refusals{}
		r.reasons[reason] = st
	}
	now := time.Now()
	if wait := st.last.Add(r.every).Sub(now); wait > 0 {
		st.suppressed++
		if st.flush == nil {
			st.flush = time.AfterFunc(wait, func() { r.flushSuppressed(reason) })
		}
		r.mu.Unlock()
		return
	}
	n := st.suppressed
	st.suppressed, st.last = 0, now
	if st.flush != nil {
		st.flush.Stop()
		st.flush = nil
	}
	r.mu.Unlock()
	if n > 0 {
		keyvals = append(keyvals, "suppressed", n)
	}
	r.log.Warn(reason, keyvals...)
}

// flushSuppressed writes the count of reason's unwritten lines, when no
// later refusal wrote it.
func (r *refusalLog) flushSuppressed(reason string) {
	r.mu.Lock()
	st := r.reasons[reason]
	n := st.suppressed
	st.suppressed, st.flush = 0, nil
	if n > 0 {
		st.last = time.Now()
	}
	r.mu.Unlock()
	if n > 0 {
		r.log.Warn(reason, "suppressed", n)
	}
}
