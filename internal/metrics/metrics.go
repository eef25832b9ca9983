// Package metrics is Alianza's Prometheus instrumentation: a registry owned
// by the process (never the global default one), the counters the HTTP API,
// the mail sync and the digests feed, and the gauges a scrape reads from the
// database and the data folder. Served on its own address
// (ALIANZA_METRICS_ADDR), never on the app's port.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/alianza-pe/alianza/internal/backup"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// scrapeTimeout bounds the database reads of one scrape.
const scrapeTimeout = 3 * time.Second

// Metrics holds the registry and the collectors the app feeds. A nil
// *Metrics is valid and records nothing (metrics off, and most tests).
type Metrics struct {
	reg            *prometheus.Registry
	log            *slog.Logger
	requests       *prometheus.CounterVec
	duration       *prometheus.HistogramVec
	syncErrors     *prometheus.CounterVec
	digestFailures prometheus.Counter
}

// Options are what the scrape-time gauges read.
type Options struct {
	Store   *store.Store
	DataDir string // the embedded engine's data folder; empty on MongoDB
	Version string // alianza_build_info's version label
	Log     *slog.Logger
}

// New builds a registry with the Go runtime and process collectors, the
// app's counters, and a collector that reads the database at scrape time.
func New(o Options) *Metrics {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: o.Log,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alianza_http_requests_total",
			Help: "HTTP requests answered, by route pattern (never the raw path), method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "alianza_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern, method and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "status"}),
		syncErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alianza_mail_sync_errors_total",
			Help: "Failed mailbox sync passes run by this instance, by mailbox id.",
		}, []string{"mailbox"}),
		digestFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alianza_digest_failures_total",
			Help: "Email digests this instance failed to send (each attempt).",
		}),
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "alianza_build_info", Help: "Always 1; the running release and commit in the version label.",
		ConstLabels: prometheus.Labels{"version": o.Version},
	})
	buildInfo.Set(1)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.syncErrors, m.digestFailures, buildInfo,
		&stateCollector{store: o.Store, dataDir: o.DataDir, log: o.Log},
	)
	return m
}

// Handler serves the registry in the Prometheus text format. A failed
// database read leaves its gauges out and is logged; the rest is served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		Timeout:       2 * scrapeTimeout,
	})
}

// Registry is the registry itself (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Request records one answered HTTP request. route must be a pattern from
// the route table (bounded), never the request's path.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.duration.WithLabelValues(route, method, code).Observe(took.Seconds())
}

// MailSyncFailed counts a failed sync pass of the mailbox (its id in hex).
func (m *Metrics) MailSyncFailed(mailbox string) {
	if m == nil {
		return
	}
	m.syncErrors.WithLabelValues(mailbox).Inc()
}

// DigestFailed counts a digest that could not be sent.
func (m *Metrics) DigestFailed() {
	if m == nil {
		return
	}
	m.digestFailures.Inc()
}

// stateCollector reads, at scrape time, what the database and the data
// folder know, so every instance reports the same values whichever of
// them holds a mailbox's lease or took the last backup.
type stateCollector struct {
	store   *store.Store
	dataDir string
	log     *slog.Logger
}

var (
	descMailSuccess = prometheus.NewDesc("alianza_mail_sync_last_success_timestamp_seconds",
		"Unix time of the mailbox's last successful sync: the oldest of its folders' last successes (absent before every folder has synced once).",
		[]string{"mailbox"}, nil)
	descMailFailing = prometheus.NewDesc("alianza_mail_sync_failing",
		"1 when the mailbox's last sync of some folder failed after its last success, else 0.",
		[]string{"mailbox"}, nil)
	descMailbox = prometheus.NewDesc("alianza_mailbox_info",
		"Always 1: the mailbox id with its name and whether it is disabled.",
		[]string{"mailbox", "name", "disabled"}, nil)
	descBackupSuccess = prometheus.NewDesc("alianza_backup_last_success_timestamp_seconds",
		"Unix time of the last successful backup of the embedded database (absent before the first; on MongoDB use the server's backups).",
		nil, nil)
	descDBSize = prometheus.NewDesc("alianza_database_size_bytes",
		"Size of the database: the SQLite file and its WAL on the embedded engine; storage plus indexes (dbStats) on MongoDB.",
		nil, nil)
	descDocuments = prometheus.NewDesc("alianza_database_documents",
		"Documents per collection (estimated count).", []string{"collection"}, nil)
)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMailSuccess, descMailFailing, descMailbox, descBackupSuccess, descDBSize, descDocuments} {
		ch <- d
	}
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if c.store != nil {
		c.collectMail(ctx, ch)
		if r, err := backup.Storage(ctx, c.store, c.dataDir); err != nil {
			ch <- prometheus.NewInvalidMetric(descDBSize, err)
		} else {
			ch <- prometheus.MustNewConstMetric(descDBSize, prometheus.GaugeValue, float64(r.DatabaseBytes))
			for _, col := range r.Collections {
				ch <- prometheus.MustNewConstMetric(descDocuments, prometheus.GaugeValue, float64(col.Documents), col.Name)
			}
		}
	}
	if c.dataDir != "" {
		st, ok, err := backup.LoadStatus(c.dataDir)
		switch {
		case err != nil:
			ch <- prometheus.NewInvalidMetric(descBackupSuccess, err)
		case ok && !st.LastOKAt.IsZero():
			ch <- prometheus.MustNewConstMetric(descBackupSuccess, prometheus.GaugeValue, unix(st.LastOKAt))
		}
	}
}

func (c *stateCollector) collectMail(ctx context.Context, ch chan<- prometheus.Metric) {
	boxes, err := c.store.ListMailboxes(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descMailbox, err)
		return
	}
	states, err := c.store.MailStates(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descMailSuccess, err)
		return
	}
	for _, b := range boxes {
		id := b.ID.Hex()
		ch <- prometheus.MustNewConstMetric(descMailbox, prometheus.GaugeValue, 1, id, b.Name, strconv.FormatBool(b.Disabled))
		folders := states[b.ID].Folders
		var oldest time.Time
		failing, complete := 0.0, len(folders) > 0
		for _, f := range folders {
			if f.LastSuccessAt.IsZero() {
				complete = false
			} else if oldest.IsZero() || f.LastSuccessAt.Before(oldest) {
				oldest = f.LastSuccessAt
			}
			if !f.LastErrorAt.IsZero() && f.LastErrorAt.After(f.LastSuccessAt) {
				failing = 1
			}
		}
		if complete {
			ch <- prometheus.MustNewConstMetric(descMailSuccess, prometheus.GaugeValue, unix(oldest), id)
		}
		ch <- prometheus.MustNewConstMetric(descMailFailing, prometheus.GaugeValue, failing, id)
	}
}

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
