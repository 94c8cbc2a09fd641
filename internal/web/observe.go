package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type ctxKey int

const (
	keyInfo ctxKey = iota
	keySession
)

// info is per-request state that the outer middleware logs after inner handlers filled it.
type info struct {
	id   string
	user string
}

func requestID(ctx context.Context) string {
	if in, ok := ctx.Value(keyInfo).(*info); ok {
		return in.id
	}
	return ""
}

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "perisai_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "perisai_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// watchReplica publishes the read replica's lag: -1 while none is configured or it cannot be
// reached; and whether reports read from it now.
func (m *metrics) watchReplica(lag func() (time.Duration, bool, bool)) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "perisai_replica_lag_seconds", Help: "How far the read replica is behind the primary (-1: none, or unreachable).",
		}, func() float64 {
			l, _, ok := lag()
			if !ok {
				return -1
			}
			return l.Seconds()
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "perisai_replica_in_use", Help: "1 while dashboards and lists read from the replica, 0 while they read from the primary.",
		}, func() float64 {
			if _, use, _ := lag(); use {
				return 1
			}
			return 0
		}),
	)
}

func (m *metrics) handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// MetricsHandler serves the metrics alone, for a listener of their own (serve --metrics-addr)
// that only the monitoring network reaches.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler())
	return mux
}

// metricsWithToken serves /metrics on the main address only to the bearer of the metrics
// token: request counts by route and status tell an outsider what the network is doing. With
// no token configured the route is not there.
func (s *Server) metricsWithToken(w http.ResponseWriter, r *http.Request) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if s.metricsToken == "" {
		http.NotFound(w, r)
		return
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.metricsToken)) != 1 {
		w.Header().Set("WWW-Authenticate", "Bearer")
		http.Error(w, "metrics need the metrics token", http.StatusUnauthorized)
		return
	}
	s.metrics.handler().ServeHTTP(w, r)
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// observe gives each request an id (kept from X-Request-ID when the client sent a sane one),
// recovers panics, logs one structured line and feeds the metrics. The route label is the
// mux pattern, never the raw path, so metrics stay bounded.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if len(id) == 0 || len(id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		in := &info{id: id}
		ctx := context.WithValue(r.Context(), keyInfo, in)
		r = r.WithContext(ctx)
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(ctx, "panic", "panic", p, "request_id", id)
				if rec.status == 0 {
					http.Error(rec, "internal error", http.StatusInternalServerError)
				}
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
			s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
			attrs := []any{"method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status,
				"bytes", rec.bytes, "duration_ms", d.Milliseconds(), "request_id", id}
			if in.user != "" {
				attrs = append(attrs, "user", in.user)
			}
			s.log.LogAttrs(ctx, slog.LevelInfo, "http", slogAttrs(attrs)...)
		}()
		next.ServeHTTP(rec, r)
	})
}

func slogAttrs(kv []any) []slog.Attr {
	out := make([]slog.Attr, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, slog.Any(kv[i].(string), kv[i+1]))
	}
	return out
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.db.Dialect)})
}
