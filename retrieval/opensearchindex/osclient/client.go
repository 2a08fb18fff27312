// Package osclient is citebot's one door to OpenSearch: the only package
// that imports opensearch-go. The OpenSearch backend
// (retrieval/opensearchindex) and the shared chat state
// (bot/opensearchstate) both talk to a cluster through it, so connection
// settings, credentials and the meaning of a failure are decided once:
//
//   - a cluster that cannot be reached, a timeout, 429 and any 5xx (and a
//     search that lost shards) is retrieval.ErrUnavailable: asking again
//     later may succeed;
//   - bad credentials, a refused permission, a missing index or alias are
//     plain errors (*Error) whose message says what to do;
//   - credentials are never part of an error or a log line: they are sent
//     as a header, never in a URL, and a URL written with user:pass@ is
//     shown redacted (Redact).
package osclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/opensearch-project/opensearch-go/v4"

	"github.com/citebot/citebot/retrieval"
)

// Options configure a Client.
type Options struct {
	// Addresses are the base URLs of the nodes to send requests to
	// (http://HOST:PORT); requests go round-robin and fail over between
	// them. Credentials written into one (user:pass@) are used unless
	// Username is set, and never shown.
	Addresses []string
	// Username and Password authenticate with HTTP basic auth; both empty
	// for a cluster without security.
	Username string
	Password string
	// CAFile is a PEM file of certificate authorities to trust for https
	// addresses; empty trusts the system's.
	CAFile string
	// RequestTimeout bounds one attempt of one request (the client retries
	// another node after it); 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// DefaultRequestTimeout bounds one attempt of a request: long enough for
// a bulk of a few megabytes, short enough that a hung node is left for
// another.
const DefaultRequestTimeout = 60 * time.Second

// Client sends requests to one OpenSearch cluster. It is safe for
// concurrent use; Close releases its connections.
type Client struct {
	os *opensearch.Client
	// where names the cluster in messages: the first address, without
	// credentials.
	where string
}

// New returns a client for the cluster at opts.Addresses. It does not
// contact the cluster (see Ping).
func New(opts Options) (*Client, error) {
	if len(opts.Addresses) == 0 {
		return nil, errors.New("opensearch: no address (expected http[s]://HOST:PORT)")
	}
	cfg := opensearch.Config{
		Username:       opts.Username,
		Password:       opts.Password,
		RequestTimeout: opts.RequestTimeout,
		MaxRetries:     len(opts.Addresses) + 1,
		// Retry a node that timed out on another one; the requests citebot
		// retries are searches, reads and idempotent writes (by _id).
		EnableRetryOnTimeout: true,
		// No background health checks or discovery: the addresses given
		// are the nodes, and a dead one is skipped when a request fails.
		HealthCheckMaxRetries: -1,
		DiscoverNodesOnStart:  new(false),
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	for _, a := range opts.Addresses {
		u, err := url.Parse(strings.TrimSpace(a))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("opensearch address %q: expected http[s]://HOST:PORT", Redact(a))
		}
		if u.User != nil {
			if cfg.Username == "" {
				cfg.Username = u.User.Username()
				cfg.Password, _ = u.User.Password()
			}
			u.User = nil
		}
		u.Path, u.RawQuery, u.Fragment = "", "", ""
		cfg.Addresses = append(cfg.Addresses, u.String())
	}
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("opensearch.ca_file: %w", err)
		}
		cfg.CACert = pem
	}
	c, err := opensearch.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("opensearch client: %w", err)
	}
	return &Client{os: c, where: cfg.Addresses[0]}, nil
}

// Close releases the client's connections.
func (c *Client) Close() error { return c.os.Close() }

// Where names the cluster in messages (the first node, no credentials).
func (c *Client) Where() string { return c.where }

// Error is an error answer from the cluster.
type Error struct {
	Status int
	// Type is OpenSearch's error type ("index_not_found_exception").
	Type   string
	Reason string
	// where names the cluster; hint says what to do, when known.
	where, hint string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("opensearch at %s: HTTP %d", e.where, e.Status)
	if e.Type != "" {
		s += " " + e.Type
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.hint != "" {
		s += " (" + e.hint + ")"
	}
	return s
}

// Unwrap makes a cluster that is overloaded or failing (429, 5xx)
// retrieval.ErrUnavailable.
func (e *Error) Unwrap() error {
	if e.Status == http.StatusTooManyRequests || e.Status >= 500 {
		return retrieval.ErrUnavailable
	}
	return nil
}

// IsType reports whether err is an answer from the cluster of the given
// error type.
func IsType(err error, typ string) bool {
	var e *Error
	return errors.As(err, &e) && e.Type == typ
}

// IsStatus reports whether err is an answer from the cluster with this
// HTTP status.
func IsStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// request is one HTTP request for opensearch-go's Do.
type request struct {
	method, path string
	query        url.Values
	body         []byte
	ndjson       bool
}

func (r request) GetRequest(method string) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	u := r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return nil, err
	}
	if r.body != nil {
		if r.ndjson {
			req.Header.Set("Content-Type", "application/x-ndjson")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	return req, nil
}

// Do sends one request: path is escaped already ("/idx/_doc/" +
// url.PathEscape(id)), body is encoded as JSON unless it is []byte (sent
// as is, as NDJSON: a bulk body), and a 2xx answer is decoded into out
// when out is not nil. See the package comment for what errors mean.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("opensearch %s %s: %w", method, path, err)
	}
	r := request{method: method, path: path, query: query}
	switch b := body.(type) {
	case nil:
	case []byte:
		r.body, r.ndjson = b, true
	default:
		enc, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("opensearch %s %s: encode request: %w", method, path, err)
		}
		r.body = enc
	}
	var raw json.RawMessage
	resp, err := opensearch.Do(ctx, c.os, method, r, &raw)
	if err != nil && (resp == nil || !resp.IsError()) {
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("opensearch %s %s: %w", method, path, cerr)
		}
		return fmt.Errorf("opensearch at %s did not answer %s %s (%v); is the cluster running and opensearch.addresses right? %w", c.where, method, path, err, retrieval.ErrUnavailable)
	}
	if resp.IsError() {
		return c.apiError(resp.StatusCode, resp.Body, method, path)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("opensearch %s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

// apiError turns an error answer into an *Error, with a hint for the
// failures a person can fix.
func (c *Client) apiError(status int, body io.Reader, method, path string) error {
	e := &Error{Status: status, where: c.where}
	var parsed struct {
		Error json.RawMessage `json:"error"`
	}
	b, _ := io.ReadAll(io.LimitReader(body, 1<<16))
	if json.Unmarshal(b, &parsed) == nil && len(parsed.Error) > 0 {
		var detail struct {
			Type     string `json:"type"`
			Reason   string `json:"reason"`
			CausedBy *struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"caused_by"`
		}
		if json.Unmarshal(parsed.Error, &detail) == nil {
			e.Type, e.Reason = detail.Type, detail.Reason
			if detail.CausedBy != nil && detail.CausedBy.Reason != "" && detail.CausedBy.Reason != e.Reason {
				e.Reason += ": " + detail.CausedBy.Reason
			}
		} else {
			var s string
			if json.Unmarshal(parsed.Error, &s) == nil {
				e.Reason = s
			}
		}
	}
	switch status {
	case http.StatusUnauthorized:
		e.hint = "the cluster refused citebot's credentials: check opensearch.username and opensearch.password (CITEBOT_OPENSEARCH_USERNAME, CITEBOT_OPENSEARCH_PASSWORD)"
	case http.StatusForbidden:
		e.hint = fmt.Sprintf("the user in opensearch.username may not %s %s: grant it read and write on the index and its aliases", method, path)
	}
	if e.Reason == "" && e.Type == "" {
		e.Reason = strings.TrimSpace(string(b))
		if len(e.Reason) > 300 {
			e.Reason = e.Reason[:300] + "…"
		}
	}
	return e
}

// Ping checks that the cluster answers, naming what is wrong when it does
// not (unreachable, refusing the credentials).
func (c *Client) Ping(ctx context.Context) error {
	var info struct {
		Version struct {
			Number string `json:"number"`
		} `json:"version"`
	}
	if err := c.Do(ctx, http.MethodGet, "/", nil, nil, &info); err != nil {
		return err
	}
	return nil
}

// DataNodes counts the cluster's data nodes.
func (c *Client) DataNodes(ctx context.Context) (int, error) {
	var h struct {
		DataNodes int `json:"number_of_data_nodes"`
	}
	if err := c.Do(ctx, http.MethodGet, "/_cluster/health", nil, nil, &h); err != nil {
		return 0, err
	}
	return h.DataNodes, nil
}
