package audit

import "github.com/prometheus/client_golang/prometheus"

var (
	writtenDesc = prometheus.NewDesc("warden_audit_events_written_total",
		"Audit events committed to the trail.", nil, nil)
	droppedDesc = prometheus.NewDesc("warden_audit_events_dropped_total",
		"Audit events lost because the store did not accept them in time (each is logged with its request id).", nil, nil)
	failuresDesc = prometheus.NewDesc("warden_audit_commit_failures_total",
		"Failed attempts to commit a batch of audit events; failed batches are retried.", nil, nil)
	waitsDesc = prometheus.NewDesc("warden_audit_queue_waits_total",
		"Requests that found the audit queue full and waited for room.", nil, nil)
	queuedDesc = prometheus.NewDesc("warden_audit_queue_length",
		"Audit events waiting to be committed.", nil, nil)
)

// Describe implements prometheus.Collector.
func (w *Writer) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{writtenDesc, droppedDesc, failuresDesc, waitsDesc, queuedDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (w *Writer) Collect(ch chan<- prometheus.Metric) {
	s := w.Stats()
	ch <- prometheus.MustNewConstMetric(writtenDesc, prometheus.CounterValue, float64(s.Written))
	ch <- prometheus.MustNewConstMetric(droppedDesc, prometheus.CounterValue, float64(s.Dropped))
	ch <- prometheus.MustNewConstMetric(failuresDesc, prometheus.CounterValue, float64(s.CommitFailures))
	ch <- prometheus.MustNewConstMetric(waitsDesc, prometheus.CounterValue, float64(s.QueueWaits))
	ch <- prometheus.MustNewConstMetric(queuedDesc, prometheus.GaugeValue, float64(s.Queued))
}
