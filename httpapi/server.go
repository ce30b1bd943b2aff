// Package httpapi is Warden's HTTP front: it authenticates every request
// with SigV4, dispatches it to the API it addresses (the Query protocol for
// IAM and STS, the JSON protocol for Organizations, restJson1 for Connect
// Health), writes responses and errors in that protocol, and records an
// access log and Prometheus metrics. A second handler serves the admin endpoints
// (/healthz, /readyz, /metrics) on their own listener.
package httpapi

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/awsjson"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/restjson"
	"github.com/warden-iam/warden/sigv4"
)

// QueryAPI is an API served over the AWS Query protocol (IAM, STS).
type QueryAPI interface {
	Service() *awsquery.Service
	// Handle runs one decoded operation for an authenticated caller.
	Handle(ctx context.Context, c *authz.Caller, op *awsquery.Operation, in awsquery.Input) (awsquery.Output, error)
}

// Server is the AWS-facing HTTP handler.
type Server struct {
	verifier *sigv4.Verifier
	query    map[string]QueryAPI // by API version
	fallback QueryAPI            // answers requests that name no known version
	logger   *slog.Logger
	metrics  *Metrics
	lastUsed *lastUsedRecorder
	auditor  Auditor
	maxBody  int64
	now      func() time.Time

	json map[string]JSONAPI // by X-Amz-Target prefix
	// jsonFallback answers JSON requests that name no known service.
	jsonFallback JSONAPI

	// rest holds the restJson1 APIs by signing name: several APIs may
	// share one (Connect Health's public API and Warden's console API),
	// and a request goes to the first whose routes match it.
	rest map[string][]RestAPI
	// restFallback answers restJson1 requests whose scope names no known
	// service.
	restFallback RestAPI
	object       ObjectAPI
}

// Config configures a Server.
type Config struct {
	Source  warden.AuthorizationSource
	Keys    warden.AccessKeyService // records access key use; may be nil
	APIs    []QueryAPI              // the first one also answers malformed requests
	Logger  *slog.Logger
	Metrics *Metrics
	// Auditor keeps the audit trail: it is given an event for every
	// request. Nil means no trail.
	Auditor Auditor
	// MaxBodyBytes caps request bodies; zero means 10 MiB.
	MaxBodyBytes int64
	Now          func() time.Time

	// JSONAPIs are served over the AWS JSON protocol, chosen by the
	// X-Amz-Target header; the first also answers unknown targets.
	JSONAPIs []JSONAPI

	// RestAPIs are served over the restJson1 protocol at every path but
	// "/", chosen by the service of the request's credential scope; the
	// first also answers requests that name no known service.
	RestAPIs []RestAPI

	// Objects, when set, answers the requests it owns (S3's REST
	// protocol) before any other routing.
	Objects ObjectAPI
}

// NewServer returns a Server.
func NewServer(cfg Config) *Server {
	s := &Server{
		query:   map[string]QueryAPI{},
		logger:  cfg.Logger,
		metrics: cfg.Metrics,
		auditor: cfg.Auditor,
		object:  cfg.Objects,
		maxBody: cfg.MaxBodyBytes,
		now:     cfg.Now,
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	if s.maxBody == 0 {
		s.maxBody = 10 << 20
	}
	if s.now == nil {
		s.now = time.Now
	}
	if c, ok := s.auditor.(prometheus.Collector); ok {
		// The same auditor may serve several Servers sharing one Metrics.
		_ = s.metrics.registry.Register(c)
	}
	services := map[string]bool{}
	for i, api := range cfg.APIs {
		svc := api.Service()
		s.query[svc.Version] = api
		services[svc.SigningName] = true
		if i == 0 {
			s.fallback = api
		}
	}
	s.json = map[string]JSONAPI{}
	for i, api := range cfg.JSONAPIs {
		svc := api.Service()
		s.json[svc.TargetPrefix] = api
		services[svc.SigningName] = true
		if i == 0 {
			s.jsonFallback = api
		}
	}
	s.rest = map[string][]RestAPI{}
	for i, api := range cfg.RestAPIs {
		svc := api.Service()
		s.rest[svc.SigningName] = append(s.rest[svc.SigningName], api)
		services[svc.SigningName] = true
		if i == 0 {
			s.restFallback = api
		}
	}
	if cfg.Keys != nil {
		s.lastUsed = newLastUsedRecorder(cfg.Keys, s.logger)
	}
	s.verifier = &sigv4.Verifier{Credentials: credentialStore{cfg.Source}, Services: services, Now: s.now}
	return s
}

// Close flushes pending access-key usage records.
func (s *Server) Close(ctx context.Context) {
	if s.lastUsed != nil {
		s.lastUsed.close(ctx)
	}
}

// ServeHTTP routes every request: the Query protocol lives at "/", for POST
// (form body) and GET (query string); the JSON protocol at "/" too, for
// POST requests that name their operation in X-Amz-Target; restJson1 at
// every other path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	rec := &requestRecord{id: newRequestID(), start: start}
	w.Header().Set("x-amzn-RequestId", rec.id)
	defer func() {
		if v := recover(); v != nil {
			rec.err = fmt.Errorf("panic: %v", v)
			rec.code, rec.status = warden.EInternalFailure, http.StatusInternalServerError
			internal := &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Err: rec.err}
			switch {
			case rec.service != nil:
				rec.service.WriteError(w, rec.id, internal)
			case rec.json != nil:
				rec.json.WriteError(w, rec.id, internal)
			case rec.rest != nil:
				rec.rest.WriteError(w, rec.id, internal)
			default:
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}
		s.finish(r, rec)
	}()
	if s.object != nil && s.object.Owns(r) {
		s.serveObject(w, r, rec)
		return
	}
	if r.URL.Path != "/" && s.restFallback != nil {
		s.serveRest(w, r, rec)
		return
	}
	if r.URL.Path != "/" || (r.Method != http.MethodPost && r.Method != http.MethodGet) {
		rec.code = "UnknownOperation"
		rec.status = http.StatusNotFound
		http.Error(w, "Warden serves the AWS Query protocol at /.", http.StatusNotFound)
		return
	}
	if r.Header.Get("X-Amz-Target") != "" && s.jsonFallback != nil {
		s.serveJSON(w, r, rec)
		return
	}
	s.serveQuery(w, r, rec)
}

// requestRecord collects what the access log and metrics say of a request.
type requestRecord struct {
	id        string
	start     time.Time
	service   *awsquery.Service
	json      *awsjson.Service  // set instead of service for JSON requests
	rest      *restjson.Service // set instead of service for restJson1 requests
	object    string            // the ObjectAPI's name, set instead of the above
	action    string
	principal string
	keyID     string
	status    int
	code      string // AWS error code; empty on success
	err       error
	// What the audit trail records beyond the access log: the parsed
	// parameters, who signed and for which region, and the authorization
	// decisions (traced only when there is an Auditor).
	params   *awsquery.Params
	jsonBody []byte // the JSON protocol's parameters
	identity *warden.Principal
	region   string
	trace    authz.Trace
	// event is the request's audit event, kept here so that it takes no
	// allocation of its own: the Auditor does not keep it.
	event warden.AuditEvent
}

// namespace is the IAM prefix of the service the request was for, "" when
// that is not known.
func (rec *requestRecord) namespace() string {
	switch {
	case rec.service != nil:
		return rec.service.ARNNamespace
	case rec.json != nil:
		return rec.json.ARNNamespace
	case rec.rest != nil:
		return rec.rest.ARNNamespace
	}
	return rec.object
}

func (s *Server) finish(r *http.Request, rec *requestRecord) {
	elapsed := s.now().Sub(rec.start)
	service := cmp.Or(rec.namespace(), "unknown")
	action := rec.action
	if action == "" {
		action = "unknown"
	}
	s.metrics.observe(service, action, rec.code, elapsed)
	attrs := []slog.Attr{
		slog.String("request_id", rec.id),
		slog.String("method", r.Method),
		slog.String("service", service),
		slog.String("action", action),
		slog.Int("status", rec.status),
		slog.Duration("duration", elapsed),
		slog.String("source_ip", sourceIP(r)),
	}
	if rec.principal != "" {
		attrs = append(attrs, slog.String("principal", rec.principal), slog.String("access_key", rec.keyID))
	}
	level := slog.LevelInfo
	if rec.code != "" {
		attrs = append(attrs, slog.String("code", rec.code))
		if rec.err != nil {
			attrs = append(attrs, slog.String("error", rec.err.Error()))
		}
		if d, ok := errors.AsType[*authz.Denied](rec.err); ok {
			attrs = append(attrs, slog.Any("explanation", d.Explanation))
		}
		if rec.status >= 500 {
			level = slog.LevelError
		}
	}
	s.logger.LogAttrs(r.Context(), level, "request", attrs...)
	if s.auditor != nil {
		s.audit(r, rec)
	}
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// newRequestID returns a random UUID, the form AWS request ids take.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
