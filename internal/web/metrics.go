package web

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// metrics counts requests and their durations by route, for Prometheus.
// A route is the pattern the server matched ("GET /api/reviews/{id}"),
// never the path asked, so that no record id reaches the metrics and a
// client asking for random paths cannot grow them ("unmatched").
type metrics struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	timings  map[string]*histogram
	started  time.Time
}

type requestKey struct {
	route  string
	status int
}

// durationBuckets are the histogram's upper bounds in seconds: the web
// issue asks 95% of page answers under 0.1 s.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

func newMetrics(now time.Time) *metrics {
	return &metrics{requests: map[requestKey]uint64{}, timings: map[string]*histogram{}, started: now}
}

func (m *metrics) observe(route string, status int, took time.Duration) {
	if route == "" || route == "/" {
		route = "unmatched"
	}
	if status == 0 {
		status = http.StatusOK
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, status}]++
	h := m.timings[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets)+1)}
		m.timings[route] = h
	}
	s := took.Seconds()
	i, _ := slices.BinarySearch(durationBuckets, s)
	h.counts[i]++
	h.sum += s
	h.n++
}

// write writes the metrics in Prometheus's text format, in a stable order.
func (m *metrics) write(w io.Writer, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b []byte
	b = append(b, "# HELP caselink_http_requests_total Requests answered, by route and status.\n# TYPE caselink_http_requests_total counter\n"...)
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		if a.route != b.route {
			return cmp.Compare(a.route, b.route)
		}
		return a.status - b.status
	})
	for _, k := range keys {
		b = fmt.Appendf(b, "caselink_http_requests_total{route=%s,status=\"%d\"} %d\n", strconv.Quote(k.route), k.status, m.requests[k])
	}
	b = append(b, "# HELP caselink_http_request_duration_seconds Time to answer, by route.\n# TYPE caselink_http_request_duration_seconds histogram\n"...)
	routes := make([]string, 0, len(m.timings))
	for r := range m.timings {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		h := m.timings[r]
		q := strconv.Quote(r)
		var cum uint64
		for i, le := range durationBuckets {
			cum += h.counts[i]
			b = fmt.Appendf(b, "caselink_http_request_duration_seconds_bucket{route=%s,le=\"%g\"} %d\n", q, le, cum)
		}
		b = fmt.Appendf(b, "caselink_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", q, h.n)
		b = fmt.Appendf(b, "caselink_http_request_duration_seconds_sum{route=%s} %g\n", q, h.sum)
		b = fmt.Appendf(b, "caselink_http_request_duration_seconds_count{route=%s} %d\n", q, h.n)
	}
	b = fmt.Appendf(b, "# HELP caselink_uptime_seconds Seconds since the server started.\n# TYPE caselink_uptime_seconds gauge\ncaselink_uptime_seconds %g\n",
		now.Sub(m.started).Seconds())
	_, err := w.Write(b)
	return err
}

// serveMetrics is GET /metrics. Like /healthz it needs no token: it holds
// route patterns and counts, no record.
func (a *api) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	if err := a.metrics.write(w, a.now()); err != nil {
		a.log.Warn("writing metrics", "err", err)
	}
}
