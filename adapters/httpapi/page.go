package httpapi

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/citebot/citebot/bot"
)

// web holds the chat page: plain HTML, CSS and JavaScript, no external
// fonts, scripts or CDNs, so it works with no network beyond citebot.
// index.html is a template: the server fills in pageData.
//
//go:embed web
var web embed.FS

// pageCSP allows only citebot's own scripts, styles and API: documents
// are untrusted text, and the page renders them with textContent, but the
// policy also stops any injected markup from running or loading anything.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// pageData is what the page takes from the server rather than typing it
// again, in a JSON data block (not a script: the CSP allows none inline):
// the confidence under which an answer is cautioned, and the caution's
// words, as every other surface shows them (bot.Plan.Caution); and the
// question box's examples. Those are bot.GenericExamples, naming no
// document: anyone may load the page, token or not, so it carries
// nothing of the documents, and filling it in once keeps serving it
// free of work.
type pageData struct {
	LowConfidence float64      `json:"low_confidence"`
	Caution       string       `json:"caution"`
	Examples      bot.Examples `json:"examples"`
}

// renderPage fills index.html's template in.
func renderPage(static fs.FS) ([]byte, error) {
	t, err := template.ParseFS(static, "index.html")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = t.Execute(&b, pageData{LowConfidence: bot.LowConfidence, Caution: bot.LowConfidenceNote, Examples: bot.GenericExamples})
	return b.Bytes(), err
}

// mountPage serves the page at / and its assets under /static/.
func mountPage(mux *http.ServeMux) {
	static, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	page, err := renderPage(static)
	if err != nil {
		panic(err) // so is the template, and what fills it in
	}
	files := http.FileServerFS(static)
	mux.Handle("GET /{$}", pageHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(page))
	})))
	mux.Handle("GET /static/", pageHeaders(http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The page's template is not an asset: the page is at /,
		// filled in.
		if p := r.URL.Path; p == "" || strings.HasSuffix(p, "/") || path.Base(p) == "index.html" {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))))
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
