package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/httpapi"
	"github.com/citebot/citebot/adapters/mcp"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
)

// chatAdapter builds one chat surface from its configuration section.
type chatAdapter struct {
	section string
	enabled func(*config.Config) bool
	// build returns the adapter; nil means this binary has none yet, and
	// an enabled section is then reported as a failed adapter.
	build func(*config.Config, chatEnv) (adapters.Adapter, error)
}

// chatAdapters are the chat surfaces serve starts when their section is
// enabled. Adding one (Slack, Discord, Matrix …) is one line here.
var chatAdapters = []chatAdapter{
	{"slack", func(c *config.Config) bool { return c.Slack.Enabled }, slackAdapter},
	{"discord", func(c *config.Config) bool { return c.Discord.Enabled }, discordAdapter},
}

// configFlags are the flags that set configuration keys; they take
// precedence over the file and the environment, and only when given.
type configFlags struct {
	cf        corpusFlags
	addr      string
	logLevel  string
	logFormat string
}

func (f *configFlags) register(cmd *cobra.Command) {
	f.cf.register(cmd)
	cmd.Flags().StringVar(&f.addr, "addr", "", "listen on `HOST:PORT` (http.addr; default 127.0.0.1:8080)")
	cmd.Flags().StringVar(&f.logLevel, "log-level", "", "log `LEVEL`: debug, info, warn, error (log.level)")
	cmd.Flags().StringVar(&f.logFormat, "log-format", "", "log `FORMAT`: json, text, auto (log.format)")
}

// load reads the effective configuration for cmd.
func (f *configFlags) load(cmd *cobra.Command) (*config.Config, error) {
	flags := map[string]*pflag.Flag{}
	indexKey := "index.path"
	if osclient.IsURL(f.cf.index) {
		indexKey = "index.url" // --index http[s]://HOST:PORT/NAME
	}
	for key, name := range map[string]string{
		"corpus": "corpus", indexKey: "index", "http.addr": "addr",
		"log.level": "log-level", "log.format": "log-format",
	} {
		if fl := cmd.Flags().Lookup(name); fl != nil {
			flags[key] = fl
		}
	}
	file, _ := cmd.Flags().GetString("config")
	return config.Load(config.Options{File: file, Flags: flags})
}

func newServeCmd(stderr io.Writer) *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "serve [--config FILE] [--addr HOST:PORT] [--index PATH|URL | --corpus DIR…]",
		Short: "Serve the HTTP API, the web page, MCP and the enabled chat adapters",
		Long: "Serve answers over HTTP (JSON API, web chat page, MCP at /mcp, /healthz, /readyz,\n" +
			"/metrics) and through every chat adapter enabled in the configuration, until SIGINT or SIGTERM.\n" +
			"Configuration: defaults < citebot.yaml < CITEBOT_* environment < flags\n" +
			"(see citebot.example.yaml and `citebot config check`).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(cmd)
			if err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return usageError{err}
			}
			return serve(cmd.Context(), cfg, newLogger(stderr, cfg.Log, cfg.SecretValues()...))
		},
	}
	f.register(cmd)
	return cmd
}

// serve wires configuration → index → bot → adapters → supervisor, and
// runs until ctx ends.
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	// What libraries and helpers log through the default logger (folder
	// watching, the standard log package) goes out in serve's format
	// too, never as plain text among JSON lines.
	prev := slog.Default()
	slog.SetDefault(log)
	defer slog.SetDefault(prev)
	if cfg.File != "" {
		log.Info("configuration", "file", cfg.File)
	}
	for _, w := range cfg.Warnings() {
		log.Warn("configuration", "warning", w)
	}
	cf := corpusFlags{index: cfg.Index.Path, corpus: cfg.Corpus, openSearch: &cfg.OpenSearch}
	if cfg.Index.URL != "" {
		cf.index = cfg.Index.URL
	}
	// A persisted index is followed: what `citebot index` swaps in is
	// answered from next, the old generation until then. Corpus folders
	// are read once.
	ix, err := cf.openEngine(ctx, cf.index != "" && len(cf.corpus) == 0, log)
	if err != nil {
		return fmt.Errorf("open the index: %w", err)
	}
	defer ix.Close()
	st, err := ix.Stats()
	if err != nil {
		return fmt.Errorf("read the index: %w", err)
	}
	log.Info("index ready", "documents", st.Documents, "passages", st.Passages, "source", corpusSource(cfg))

	metrics := httpapi.NewMetrics(version, ix)
	b := bot.New(ix, bot.WithObserver(metrics), bot.WithMaxQuestionBytes(cfg.API.MaxQuestionBytes))
	apiOpts := httpapi.Options{
		Token: cfg.API.Token, Metrics: metrics, PerClient: botRate(cfg.Limits.PerClient), RequestTimeout: cfg.HTTP.RequestTimeout,
	}
	// One guard for /api/* and /mcp: the same token, and one rate-limit
	// allowance per client whichever it calls.
	apiOpts.Guard = httpapi.NewGuard(apiOpts)
	list := []adapters.Adapter{httpapi.New(b, apiOpts)}
	if cfg.MCP.Enabled {
		list = append(list, mcp.New(b, mcp.Options{
			Version: buildVersion(), Logger: log, Guard: apiOpts.Guard, RequestTimeout: cfg.HTTP.RequestTimeout,
		}))
	}
	var store bot.Store
	var threads bot.ThreadStore
	var messages bot.MessageStore
	var deliveries bot.DeliveryStore
	for _, ca := range chatAdapters {
		if !ca.enabled(cfg) {
			continue
		}
		if ca.build == nil {
			list = append(list, adapters.Failed(ca.section, fmt.Errorf("%s is enabled but this citebot has no %s adapter yet", ca.section, ca.section)))
			continue
		}
		switch {
		case store != nil:
		case cfg.Data.URL != "":
			shared, err := openSharedState(ctx, cfg.Data.URL, cfg.OpenSearch, log)
			if err != nil {
				return fmt.Errorf("open the shared state (data.url): %w", err)
			}
			store, threads, messages, deliveries = shared, shared, shared, shared
		default:
			if store, err = openFeedbackStore(cfg.Data.Dir, log); err != nil {
				return err
			}
			defer store.Close()
		}
		a, err := ca.build(cfg, chatEnv{Bot: b, Store: store, Threads: threads, Messages: messages, Deliveries: deliveries, Log: log.With("adapter", ca.section)})
		if err != nil {
			a = adapters.Failed(ca.section, err)
		}
		list = append(list, a)
	}

	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (http.addr): %w", cfg.HTTP.Addr, err)
	}
	if cfg.API.Token == "" && !isLoopback(ln.Addr()) {
		log.Warn("listening beyond loopback without api.token: anyone who can reach this address can use the API (and /mcp when mcp.enabled)", "addr", ln.Addr().String())
	}
	sup := &adapters.Supervisor{
		Adapters: list,
		Checks: []adapters.Check{{Name: "index", Check: func(context.Context) error {
			_, err := ix.Stats()
			return err
		}}},
		Logger:          log,
		ShutdownTimeout: cfg.HTTP.ShutdownTimeout,
	}
	return sup.Serve(ctx, ln)
}

func corpusSource(cfg *config.Config) string {
	switch {
	case cfg.Index.URL != "":
		return osclient.Redact(cfg.Index.URL)
	case cfg.Index.Path != "":
		return cfg.Index.Path
	case len(cfg.Corpus) > 0:
		return strings.Join(cfg.Corpus, ", ")
	}
	return "embedded seeds"
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// newLogger logs to w as JSON, or as text when format is "text", or
// "auto" and w is a terminal. The configuration is validated, so level
// and format are known words.
//
// Every secret given is scrubbed from whatever is logged (messages,
// strings, errors and other values as they print): the adapters keep
// credentials out of what they log, and this catches what they cannot
// foresee, such as an upstream error body quoting a token back.
func newLogger(w io.Writer, c config.LogConfig, secrets ...string) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: scrubSecrets(secrets)}
	if c.Format == "text" || (c.Format == "auto" && isTerminal(w)) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// scrubSecrets is a slog ReplaceAttr that replaces each secret in an
// attribute's text with config.Redacted; nil when there are none.
func scrubSecrets(secrets []string) func([]string, slog.Attr) slog.Attr {
	var pairs []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, config.Redacted)
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	r := strings.NewReplacer(pairs...)
	return func(_ []string, a slog.Attr) slog.Attr {
		switch a.Value.Kind() {
		case slog.KindString:
			if s := a.Value.String(); r.Replace(s) != s {
				a.Value = slog.StringValue(r.Replace(s))
			}
		case slog.KindAny:
			// Errors and other values print as text: scrub that text,
			// keeping the value itself when there is nothing to scrub.
			var s string
			if err, ok := a.Value.Any().(error); ok {
				s = err.Error()
			} else {
				s = fmt.Sprint(a.Value.Any())
			}
			if r.Replace(s) != s {
				a.Value = slog.StringValue(r.Replace(s))
			}
		}
		return a
	}
}

func newConfigCmd(stdout io.Writer) *cobra.Command {
	var f configFlags
	check := &cobra.Command{
		Use:   "check [--config FILE] [serve's flags]",
		Short: "Print the effective configuration (secrets redacted) and report every problem",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(cmd)
			if err != nil {
				return err
			}
			out, err := cfg.YAML()
			if err != nil {
				return err
			}
			source := "no configuration file"
			if cfg.File != "" {
				source = "file " + cfg.File
			}
			fmt.Fprintf(stdout, "# effective configuration: defaults < %s < CITEBOT_* environment < flags; secrets redacted\n", source)
			if _, err := stdout.Write(out); err != nil {
				return err
			}
			for _, w := range cfg.Warnings() {
				fmt.Fprintf(stdout, "# warning: %s\n", w)
			}
			if err := cfg.Validate(); err != nil {
				return usageError{err}
			}
			_, err = fmt.Fprintln(stdout, "# no problems found")
			return err
		},
	}
	f.register(check)
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Inspect citebot's configuration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("use `citebot config check`")}
		},
	}
	cmd.AddCommand(check)
	return cmd
}

// newHealthcheckCmd probes a running serve's /healthz: the Docker image
// has no shell or curl, so its HEALTHCHECK runs citebot itself.
func newHealthcheckCmd(stdout io.Writer) *cobra.Command {
	var url string
	var f configFlags
	cmd := &cobra.Command{
		Use:   "healthcheck [--url URL]",
		Short: "Exit 0 when the citebot serving at http.addr (or --url) answers /healthz",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				cfg, err := f.load(cmd)
				if err != nil {
					return err
				}
				url, err = healthURL(cfg.HTTP.Addr)
				if err != nil {
					return usageError{err}
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return usageError{fmt.Errorf("--url: %w", err)}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("healthcheck: %w", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
			}
			_, err = fmt.Fprintln(stdout, "ok")
			return err
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "probe `URL` instead of http://<http.addr>/healthz")
	cmd.Flags().StringVar(&f.addr, "addr", "", "probe the server listening on `HOST:PORT` (http.addr)")
	return cmd
}

// healthURL is the /healthz URL of a server listening on addr, reaching
// a wildcard address through loopback.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("http.addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
