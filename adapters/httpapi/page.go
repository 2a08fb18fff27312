package httpapi

import (
	"embed"
	"io/fs"
	"net/http"
)

// web holds the chat page: plain HTML, CSS and JavaScript, no external
// fonts, scripts or CDNs, so it works with no network beyond citebot.
//
//go:embed web
var web embed.FS

// pageCSP allows only citebot's own scripts, styles and API: documents
// are untrusted text, and the page renders them with textContent, but the
// policy also stops any injected markup from running or loading anything.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// mountPage serves the page at / and its assets under /static/.
func mountPage(mux *http.ServeMux) {
	static, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	files := http.FileServerFS(static)
	mux.Handle("GET /{$}", pageHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, static, "index.html")
	})))
	mux.Handle("GET /static/", pageHeaders(http.StripPrefix("/static/", files)))
}

// pageHeaders sets the security headers of every page response.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		// The assets change with the binary; revalidate rather than
		// cache a stale page after an upgrade.
		h.Set("Cache-Control", "no-cache")
		next.ServeHTTP(w, r)
	})
}
