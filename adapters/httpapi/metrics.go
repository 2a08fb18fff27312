package httpapi

import (
	"net/http"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/citebot/citebot/bot"
)

// IndexStats reports the size of the index; the retrieval core's Index is one.
type IndexStats interface {
	Stats() (bot.Stats, error)
}

// Metrics is citebot's Prometheus registry. It implements bot.Observer
// and bot.FeedbackObserver, so every adapter's questions and votes are
// counted once, where the bot handles them:
//
//	citebot_questions_total{adapter,outcome}   answered, declined or error
//	citebot_feedback_total{adapter,vote}       votes on answers (up, down)
//	                                           recorded by chat adapters
//	citebot_answer_duration_seconds{adapter}   histogram of Bot.Ask latency
//	                                           (answered and declined only)
//	citebot_index_documents, _passages, _bytes size of the index, read at scrape
//	citebot_build_info{version,goversion}      always 1
//
// plus the standard go_* and process_* collectors.
type Metrics struct {
	reg       *prometheus.Registry
	questions *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	feedback  *prometheus.CounterVec
}

// NewMetrics registers citebot's metrics in a registry of their own (no
// global state, so tests and several servers in one process do not
// clash). index may be nil when there is no index to measure.
func NewMetrics(version string, index IndexStats) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citebot_questions_total",
			Help: "Questions handled, by asking adapter and outcome (answered, declined, error).",
		}, []string{"adapter", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "citebot_answer_duration_seconds",
			Help: "Time to answer or decline a question, by asking adapter.",
			// 1ms … ~24s: a small corpus answers in milliseconds, a large
			// persisted index in seconds.
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"adapter"}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citebot_feedback_total",
			Help: "Votes on answers recorded by chat adapters, by adapter and vote (up, down); a changed vote counts again.",
		}, []string{"adapter", "vote"}),
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "citebot_build_info",
		Help:        "Always 1; the labels say which citebot is running.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	buildInfo.Set(1)
	m.reg.MustRegister(m.questions, m.latency, m.feedback, buildInfo,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if index != nil {
		m.reg.MustRegister(indexCollector{index})
	}
	return m
}

// ObserveQuestion implements bot.Observer.
func (m *Metrics) ObserveQuestion(ev bot.QuestionEvent) {
	m.questions.WithLabelValues(ev.Adapter, string(ev.Outcome)).Inc()
	if ev.Outcome != bot.OutcomeError {
		m.latency.WithLabelValues(ev.Adapter).Observe(ev.Latency.Seconds())
	}
}

// ObserveFeedback implements bot.FeedbackObserver.
func (m *Metrics) ObserveFeedback(ev bot.FeedbackEvent) {
	m.feedback.WithLabelValues(ev.Adapter, string(ev.Vote)).Inc()
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

var (
	indexDocsDesc     = prometheus.NewDesc("citebot_index_documents", "Documents in the index.", nil, nil)
	indexPassagesDesc = prometheus.NewDesc("citebot_index_passages", "Passages (paragraphs) in the index.", nil, nil)
	indexBytesDesc    = prometheus.NewDesc("citebot_index_bytes", "Bytes of document text in the index.", nil, nil)
)

// indexCollector reads the index size once per scrape.
type indexCollector struct{ index IndexStats }

func (c indexCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- indexDocsDesc
	ch <- indexPassagesDesc
	ch <- indexBytesDesc
}

func (c indexCollector) Collect(ch chan<- prometheus.Metric) {
	st, err := c.index.Stats()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(indexDocsDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(indexDocsDesc, prometheus.GaugeValue, float64(st.Documents))
	ch <- prometheus.MustNewConstMetric(indexPassagesDesc, prometheus.GaugeValue, float64(st.Passages))
	ch <- prometheus.MustNewConstMetric(indexBytesDesc, prometheus.GaugeValue, float64(st.Bytes))
}
