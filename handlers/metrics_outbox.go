package handlers

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"onewindow/models"
)

// The outbox's side of the metrics: queue depth by state and the lag of the
// oldest message not yet sent.
var (
	descOutboxDepth = prometheus.NewDesc("onewindow_outbox_messages",
		"Notifications in the outbox not yet sent (queued, sending) or given up (failed), by state.", []string{"state"}, nil)
	descOutboxLag = prometheus.NewDesc("onewindow_outbox_lag_seconds",
		"Age of the oldest notification not yet sent; 0 when none waits.", nil, nil)
	descOutboxUp = prometheus.NewDesc("onewindow_outbox_up",
		"1 when the outbox figures were read from the database; 0 when the read failed and they are left out.", nil, nil)
)

// outboxCollector reads the outbox at each scrape (two queries over the
// unsent part of the state index).
type outboxCollector struct{ s *Server }

// Describe sends every family the collector makes.
func (oc outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOutboxDepth
	ch <- descOutboxLag
	ch <- descOutboxUp
}

// Collect sends the outbox's depth and lag.
func (oc outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), gaugesTimeout)
	defer cancel()
	st, err := oc.s.store.OutboxStats(ctx)
	if err != nil {
		oc.s.log.Warn("metrics: outbox not read", "error", err)
		ch <- prometheus.MustNewConstMetric(descOutboxUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descOutboxUp, prometheus.GaugeValue, 1)
	for _, state := range []string{models.MessageQueued, models.MessageSending, models.MessageFailed} {
		ch <- prometheus.MustNewConstMetric(descOutboxDepth, prometheus.GaugeValue, float64(st.ByState[state]), state)
	}
	lag := 0.0
	if !st.OldestUnsent.IsZero() {
		lag = max(oc.s.now().Sub(st.OldestUnsent).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(descOutboxLag, prometheus.GaugeValue, lag)
}
