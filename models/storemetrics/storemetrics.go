// Package storemetrics measures a models.Store for Prometheus: it wraps
// every store operation to time it (a latency histogram by operation) and
// counts the ballots the store accepted and the casts it refused, by
// reason. It sees no ballot and labels nothing with a member, an
// election, a receipt or an address: operation names and refusal reasons
// are fixed lists in this package.
//
// It wraps the store rather than the Service or the SQL: every path to the
// database (booth UI, SSH commands, kiosk, the lifecycle ticker) goes
// through the store's methods, and a store method is what an operator
// means by an operation (one transaction, retries included), on SQLite
// and PostgreSQL alike.
package storemetrics

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"vote.example.org/booth/models"
)

// Store is a models.Store whose operations are measured. Every method of
// models.Store is wrapped in wrap.go; TestEveryOperationIsTimed fails
// when a new store method is not, rather than let it pass untimed.
type Store struct {
	models.Store
	latency  *prometheus.HistogramVec
	cast     prometheus.Counter
	replaced prometheus.Counter
	refusals *prometheus.CounterVec
}

// latencyBuckets span a cached lookup (0.1 ms) to a scrub or a close
// that rewrites the ballot box (seconds).
var latencyBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// refusalReasons names the errors a cast or a replacement is refused
// with: the label values of booth_cast_refusals_total. Any other error
// counts as "error".
var refusalReasons = []struct {
	err    error
	reason string
}{
	{models.ErrAlreadyVoted, "already_voted"},
	{models.ErrNotOpen, "not_open"},
	{models.ErrNotOnRoll, "not_on_roll"},
	{models.ErrKeyRevoked, "key_revoked"},
	{models.ErrInactive, "inactive"},
	{models.ErrNotFound, "not_found"},
	{models.ErrReceiptUnknown, "receipt_unknown"},
	{models.ErrReceiptReplaced, "receipt_replaced"},
	{models.ErrReceiptElsewhere, "receipt_elsewhere"},
	{models.ErrNoReplace, "no_replace"},
	{context.Canceled, "cancelled"},
	{context.DeadlineExceeded, "cancelled"},
}

// New wraps st and registers its metrics with reg.
func New(st models.Store, reg prometheus.Registerer) (*Store, error) {
	w := &Store{
		Store: st,
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "booth_store_operation_duration_seconds",
			Help:    "Time one store operation took (one transaction, its retries included), by operation.",
			Buckets: latencyBuckets,
		}, []string{"operation"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "booth_cast_refusals_total",
			Help: "Casts and replacements the store refused, by reason.",
		}, []string{"reason"}),
	}
	casts := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "booth_ballots_cast_total",
		Help: "Ballots the store accepted: kind cast (a first ballot) or replace (one replacing an earlier ballot).",
	}, []string{"kind"})
	w.cast, w.replaced = casts.WithLabelValues("cast"), casts.WithLabelValues("replace")
	// Every reason starts at zero, so a rate over it is defined from the
	// start.
	for _, r := range refusalReasons {
		w.refusals.WithLabelValues(r.reason)
	}
	w.refusals.WithLabelValues("error")
	for _, c := range []prometheus.Collector{w.latency, w.refusals, casts} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// observe records an operation that started at start.
func (w *Store) observe(op string, start time.Time) {
	w.latency.WithLabelValues(op).Observe(time.Since(start).Seconds())
}

func (w *Store) countedCast(ctx context.Context, c models.Cast) error {
	err := w.Store.Cast(ctx, c)
	w.count(w.cast, err)
	return err
}

func (w *Store) countedReplace(ctx context.Context, r models.Replacement) error {
	err := w.Store.Replace(ctx, r)
	w.count(w.replaced, err)
	return err
}

// count counts an accepted ballot or a refusal. A taken receipt hash is
// neither: the service draws another receipt and tries again.
func (w *Store) count(ok prometheus.Counter, err error) {
	switch {
	case err == nil:
		ok.Inc()
	case errors.Is(err, models.ErrExists):
	default:
		w.refusals.WithLabelValues(refusalReason(err)).Inc()
	}
}

// refusalReason is err's label value.
func refusalReason(err error) string {
	for _, r := range refusalReasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return "error"
}

// Operations is how many times the timed stores registered with g ran
// operation op ("cast", "preferences"): what a test or an operator checks
// to see that work is not done twice.
func Operations(g prometheus.Gatherer, op string) (uint64, error) {
	families, err := g.Gather()
	if err != nil {
		return 0, err
	}
	for _, f := range families {
		if f.GetName() != "booth_store_operation_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "operation" && l.GetValue() == op {
					return m.GetHistogram().GetSampleCount(), nil
				}
			}
		}
	}
	return 0, nil
}
