package httpapi

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus series Warden exports. Labels are bounded:
// services and actions come from the API models, never from raw input.
type Metrics struct {
	registry     *prometheus.Registry
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	authFailures *prometheus.CounterVec
}

// NewMetrics returns a fresh set of series in their own registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warden_requests_total",
			Help: "Requests by service, action and decision (allowed, denied, or the error code).",
		}, []string{"service", "action", "decision"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "warden_request_duration_seconds",
			Help:    "Request latency by service and action.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}, []string{"service", "action"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warden_authentication_failures_total",
			Help: "Requests refused by SigV4 authentication, by AWS error code.",
		}, []string{"code"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.authFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) observe(service, action, code string, elapsed time.Duration) {
	decision := "allowed"
	switch code {
	case "":
	case "AccessDenied":
		decision = "denied"
	default:
		decision = code
	}
	m.requests.WithLabelValues(service, action, decision).Inc()
	m.latency.WithLabelValues(service, action).Observe(elapsed.Seconds())
}

func (m *Metrics) authFailure(code string) {
	m.authFailures.WithLabelValues(code).Inc()
}

// Handler serves the series in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
