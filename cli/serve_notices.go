package cli

import (
	"context"
	"net/url"
	"time"

	"charm.land/log/v2"

	"vote.example.org/booth/models"
)

// noticeEvery is how often booth serve queues the notices that fell due
// and mails what is due. Front ends sharing a database share the work:
// each claims its own batches.
const noticeEvery = 15 * time.Second

// mailNotices runs until ctx ends (SIGTERM): a batch in flight is
// recorded before it stops. The same failure is logged once until it
// changes; what is mailed is logged as counts, never per member.
func mailNotices(ctx context.Context, s *models.Service, logger *log.Logger) {
	t := time.NewTicker(noticeEvery)
	defer t.Stop()
	var last string
	for {
		msg := ""
		// The lifecycle first, so an election opening now is announced
		// now; the server's own tick reports what it cannot do.
		_ = s.Tick(ctx)
		if err := s.NoticeTick(ctx); err != nil {
			msg = err.Error()
		}
		st, err := s.DeliverNotices(ctx)
		if err != nil && msg == "" {
			msg = err.Error()
		}
		if st != (models.DeliveryStats{}) {
			logger.Info("mailed notices", "sent", st.Sent, "retry", st.Retried, "failed", st.Failed, "uncertain", st.Uncertain)
		}
		if msg != "" && msg != last && ctx.Err() == nil {
			logger.Error("mailing the elections' notices", "err", msg)
		}
		last = msg
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// redactedURL shows an address without a password.
func redactedURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "the configured mail server"
}
