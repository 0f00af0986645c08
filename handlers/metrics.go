package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"onewindow/models"
)

// MetricsPath is where the Prometheus metrics are served (DESIGN §8): to loopback
// clients only, or, with a token configured, only to requests bearing it. Everyone
// else gets the site's ordinary 404, so the page is not advertised. It is not in the
// route table: it is answered before the router, which never sees it.
const MetricsPath = "/metrics"

// gaugesFor is how long the open-work gauges read from the database are kept:
// several scrapers, or one scraping too often, cost one set of queries.
const gaugesFor = 5 * time.Second

// gaugesTimeout bounds the open-work queries of one scrape.
const gaugesTimeout = 10 * time.Second

// latencyBuckets are the request-duration histogram's bounds in seconds, 1 ms to 10 s.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// metrics is the server's own registry (never the global default, so that a
// process may hold many servers) and the request instruments.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	serve    http.Handler
	token    [sha256.Size]byte // SHA-256 of the token; compared in constant time
	hasToken bool
	codes    [600]string // status code → label, so that labelling allocates nothing
	// series keeps each (route, method, code)'s counter and histogram: looking them up
	// by label values hashes and validates every value on every request.
	series sync.Map // seriesKey → *requestSeries

	mu       sync.Mutex // one open-work read at a time
	gaugesAt time.Time
	gauges   *models.Gauges
}

// newMetrics builds the registry with the request instruments, the store's
// counts and open work (read through s), and Go's runtime and process collectors.
func newMetrics(s *Server, token string) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	if token != "" {
		m.token, m.hasToken = sha256.Sum256([]byte(token)), true
	}
	for i := range m.codes {
		m.codes[i] = strconv.Itoa(i)
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "onewindow_http_requests_total",
		Help: "HTTP requests answered, by route template (unmatched: no route), method and status code.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "onewindow_http_request_duration_seconds",
		Help:    "Time from a request's arrival at the router to its answer, by route template and method.",
		Buckets: latencyBuckets,
	}, []string{"route", "method"})
	m.reg.MustRegister(m.requests, m.latency, &storeCollector{s: s}, outboxCollector{s: s},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.serve = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slogPrinter{s},
		ErrorHandling: promhttp.ContinueOnError,
	})
	return m
}

// slogPrinter hands the metrics handler's complaints to the server's log.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) {
	p.s.log.Warn("metrics", "error", strings.TrimSpace(fmt.Sprintln(v...)))
}

// seriesKey names one request series.
type seriesKey struct {
	route, method string
	code          int
}

// requestSeries is one series' counter and its route and method's histogram.
type requestSeries struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// seriesOf returns the instruments of a series, made on first use.
func (m *metrics) seriesOf(route, method string, code int) *requestSeries {
	k := seriesKey{route, method, code}
	if v, ok := m.series.Load(k); ok {
		return v.(*requestSeries)
	}
	label := "other"
	if code >= 0 && code < len(m.codes) {
		label = m.codes[code]
	}
	rs := &requestSeries{count: m.requests.WithLabelValues(route, method, label), latency: m.latency.WithLabelValues(route, method)}
	v, _ := m.series.LoadOrStore(k, rs)
	return v.(*requestSeries)
}

// observe is the first middleware: it counts every answer under its route
// template (c.FullPath, never the raw path, so numbers and codes in URLs make no
// new series) and times it.
func (m *metrics) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		rs := m.seriesOf(route, methodLabel(c.Request.Method), c.Writer.Status())
		rs.latency.Observe(time.Since(start).Seconds())
		rs.count.Inc()
	}
}

// methodLabel keeps the method label to the standard methods: a client may
// send any word as its method.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

// allowed reports whether r may read the metrics: with a token configured, only a
// request bearing it; otherwise only a loopback connection that did not come through
// a proxy (the connection's own address; a proxy on the same host would make every
// visitor look local, so a forwarded request is not local).
func (m *metrics) allowed(r *http.Request) bool {
	if m.hasToken {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return false
		}
		sum := sha256.Sum256([]byte(got))
		return subtle.ConstantTimeCompare(sum[:], m.token[:]) == 1
	}
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-IP") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveMetrics answers GET or HEAD /metrics for those allowed; it reports whether it did.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != MetricsPath || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !s.metrics.allowed(r) {
		return false
	}
	w.Header().Set("Cache-Control", "no-store")
	s.metrics.serve.ServeHTTP(w, r)
	return true
}

// openWork returns the open-work gauges, read at most every gaugesFor.
func (s *Server) openWork() (*models.Gauges, error) {
	m := s.metrics
	m.mu.Lock()
	defer m.mu.Unlock()
	now := s.now()
	if m.gauges != nil && !now.Before(m.gaugesAt) && now.Sub(m.gaugesAt) < gaugesFor {
		return m.gauges, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), gaugesTimeout)
	defer cancel()
	g, err := s.store.Gauges(ctx, s.cal.Load(), models.CentreDay(now), defaultDueSoonDays)
	if err != nil {
		m.gauges = nil
		return nil, err
	}
	m.gauges, m.gaugesAt = g, now
	return g, nil
}
