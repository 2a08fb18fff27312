package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/bot"
)

// DefaultRequestTimeout bounds answering one request when
// Options.RequestTimeout is zero.
const DefaultRequestTimeout = 30 * time.Second

// guard wraps every /api/* route: the client's rate limit first (so
// guessing tokens is limited too), then the request's deadline, then the
// token.
func (a *API) guard(next http.Handler) http.Handler {
	next = a.auth(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := a.clients.Allow(clientKey(r.RemoteAddr)); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			adapters.Annotate(r.Context(), slog.String("adapter", Name), slog.String("outcome", string(bot.CodeRateLimited)))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeError(w, r, http.StatusTooManyRequests, string(bot.CodeRateLimited),
				fmt.Sprintf("too many requests from this address; try again in %d s", secs))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), a.timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// clientKey is whom a request counts against: its IP address, or for
// IPv6 its /64 (one customer's network, within which addresses are
// free to pick).
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
