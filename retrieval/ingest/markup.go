package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"

	"github.com/citebot/citebot/retrieval"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// Markdown is parsed with goldmark (CommonMark plus GitHub tables), so the
// extracted text is what a reader sees: no markup, one paragraph per block.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

// parseMarkdown reads YAML front matter (between "---" lines) as metadata
// and the body as text.
func parseMarkdown(_ context.Context, b []byte) (extracted, error) {
	src, err := decodeText(b)
	if err != nil {
		return extracted{}, err
	}
	var meta retrieval.Metadata
	body := src
	if fm, rest, ok := splitFrontMatter(src); ok {
		var s sidecar
		if err := yaml.Unmarshal([]byte(fm), &s); err != nil {
			return extracted{}, fmt.Errorf("front matter: %w", err)
		}
		meta = s.metadata()
		body = rest
	}
	source := []byte(body)
	doc := markdown.Parser().Parse(text.NewReader(source))
	var out strings.Builder
	para := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		out.WriteString(s)
	}
	err = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindParagraph, ast.KindHeading, ast.KindTextBlock:
			para(inlineText(n, source))
			return ast.WalkSkipChildren, nil
		case ast.KindCodeBlock, ast.KindFencedCodeBlock:
			var sb strings.Builder
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				sb.Write(seg.Value(source))
			}
			para(sb.String())
			return ast.WalkSkipChildren, nil
		case ast.KindHTMLBlock:
			return ast.WalkSkipChildren, nil
		case east.KindTableHeader, east.KindTableRow:
			var cells []string
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, strings.TrimSpace(inlineText(c, source)))
			}
			para(strings.Join(cells, " | "))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return extracted{}, fmt.Errorf("markdown: %w", err)
	}
	if meta.Title == "" {
		// The first heading is the headline.
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering && n.Kind() == ast.KindHeading {
				meta.Title = strings.TrimSpace(inlineText(n, source))
				return ast.WalkStop, nil
			}
			return ast.WalkContinue, nil
		})
	}
	return extracted{Text: out.String(), Meta: meta}, nil
}

// inlineText renders the inline content of a block as plain text.
func inlineText(n ast.Node, source []byte) string {
	var sb strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			sb.Write(t.Value(source))
			switch {
			case t.HardLineBreak():
				sb.WriteByte('\n')
			case t.SoftLineBreak():
				sb.WriteByte(' ')
			}
		case *ast.String:
			sb.Write(t.Value)
		case *ast.AutoLink:
			sb.Write(t.URL(source))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return sb.String()
}

// splitFrontMatter separates YAML front matter from a Markdown body.
func splitFrontMatter(s string) (fm, body string, ok bool) {
	if !strings.HasPrefix(s, "---\n") {
		return "", s, false
	}
	rest := s[4:]
	for _, end := range []string{"\n---\n", "\n...\n"} {
		if i := strings.Index(rest, end); i >= 0 {
			return rest[:i], rest[i+len(end):], true
		}
	}
	if strings.HasSuffix(rest, "\n---") {
		return strings.TrimSuffix(rest, "\n---"), "", true
	}
	return "", s, false
}

// skipElements hold no article text: scripts, styles, navigation, page
// chrome and forms.
var skipElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Nav: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Svg: true, atom.Template: true,
	atom.Iframe: true, atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Head: true,
	atom.Object: true, atom.Canvas: true, atom.Menu: true, atom.Dialog: true,
}

// blockElements end a paragraph.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Li: true, atom.Blockquote: true, atom.Pre: true,
	atom.Article: true, atom.Section: true, atom.Main: true, atom.Tr: true, atom.Table: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Figcaption: true,
	atom.Figure: true, atom.Hr: true, atom.Address: true, atom.Caption: true, atom.Body: true,
	atom.Details: true, atom.Summary: true,
}

// maxReadabilityElements bounds the pages handed to Readability, whose
// scoring passes grow faster than linearly; larger pages (rare for one
// article) fall back to the linear <article>/<main> walk.
const maxReadabilityElements = 100_000

// parseHTML extracts the article text of an HTML page and its metadata from
// <title> and the usual meta tags (Open Graph, article:*, author, canonical
// link), then from JSON-LD and bylines as Mozilla's Readability finds them.
//
// The article body is found by Readability (codeberg.org/readeck/go-readability,
// a maintained port of Firefox's reader view): it scores blocks by text
// density, link density and class names, so navigation, "related stories",
// share bars, newsletter promos and comments are left out even when a page
// has no <article> element or wraps them inside one. The older heuristic
// (the largest <article> or <main>, minus page chrome) is the fallback
// when Readability finds nothing or far less text, as on short pages it
// cannot score.
func parseHTML(ctx context.Context, b []byte) (extracted, error) {
	src, err := decodeHTML(b)
	if err != nil {
		return extracted{}, err
	}
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return extracted{}, fmt.Errorf("html: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return extracted{}, err
	}
	meta := htmlMetadata(root)
	heuristic := heuristicText(root)
	text := heuristic
	ps := readability.NewParser()
	ps.MaxElemsToParse = maxReadabilityElements
	if art, err := ps.ParseDocument(root, nil); err == nil {
		if art.Node != nil {
			var w htmlText
			w.walk(art.Node, false)
			if rt := w.String(); strings.TrimSpace(rt) != "" && 4*len(rt) >= len(heuristic) {
				text = rt
			}
		}
		meta.Fill(retrieval.Metadata{
			Title:     strings.TrimSpace(art.Title()),
			Author:    cleanByline(art.Byline()),
			Publisher: strings.TrimSpace(art.SiteName()),
		})
		if meta.Date == "" {
			if t, err := art.PublishedTime(); err == nil {
				meta.Date = t.Format(time.RFC3339)
			}
		}
	}
	if strings.TrimSpace(text) == "" {
		return extracted{Meta: meta}, errors.New("no text in HTML body")
	}
	return extracted{Text: text, Meta: meta}, nil
}

// heuristicText is the text of the largest <article> (else <main>, else
// the whole page) without scripts, navigation and page chrome.
func heuristicText(root *html.Node) string {
	body := findLargest(root, atom.Article)
	if body == nil {
		body = findLargest(root, atom.Main)
	}
	if body == nil {
		body = root
	}
	var w htmlText
	w.walk(body, false)
	return w.String()
}

// cleanByline turns a byline as pages print it ("By Jane Doe | Staff") into
// an author name; it gives up (returns "") on bylines that are sentences.
func cleanByline(s string) string {
	s = cleanSpaces(s)
	if s == "" {
		return ""
	}
	if m := bylineRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	for _, prefix := range []string{"By ", "by ", "BY "} {
		s = strings.TrimPrefix(s, prefix)
	}
	if i := strings.IndexAny(s, "|•·\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(strings.Fields(s)) > 8 {
		return ""
	}
	return s
}

// decodeHTML decodes a page as UTF-8: UTF-8 as it is, other encodings as
// the page's byte-order mark or <meta charset> declares (x/net/html/charset
// implements the WHATWG sniffing rules), else Windows-1252.
func decodeHTML(b []byte) (string, error) {
	if utf8.Valid(b) {
		return decodeText(b)
	}
	if looksBinary(b) {
		return "", errors.New("binary content, not text")
	}
	enc, name, _ := charset.DetermineEncoding(b, "text/html")
	dec, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("decode HTML as %s: %w", name, err)
	}
	return decodeText(dec)
}

func htmlMetadata(root *html.Node) retrieval.Metadata {
	var m retrieval.Metadata
	var title string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if title == "" {
					title = strings.TrimSpace(textContent(n))
				}
			case atom.Meta:
				key := strings.ToLower(attr(n, "property"))
				if key == "" {
					key = strings.ToLower(attr(n, "name"))
				}
				val := strings.TrimSpace(attr(n, "content"))
				set := func(dst *string) {
					if *dst == "" && val != "" {
						*dst = val
					}
				}
				switch key {
				case "og:title", "twitter:title", "dc.title":
					set(&m.Title)
				case "og:site_name", "publisher", "dc.publisher", "application-name":
					set(&m.Publisher)
				case "author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author":
					if strings.HasPrefix(val, "http") {
						break // article:author is sometimes a profile URL
					}
					set(&m.Author)
				case "article:published_time", "date", "pubdate", "dc.date", "publish-date", "parsely-pub-date", "og:published_time":
					set(&m.Date)
				case "og:url":
					set(&m.URL)
				}
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") && m.URL == "" {
					m.URL = attr(n, "href")
				}
			case atom.Time:
				if m.Date == "" {
					m.Date = attr(n, "datetime")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if m.Title == "" {
		m.Title = title
	}
	return m
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func textContent(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return cleanSpaces(sb.String())
}

// findLargest returns the element of type a with the most text.
func findLargest(root *html.Node, a atom.Atom) *html.Node {
	var best *html.Node
	bestLen := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == a {
			if l := len(textContent(n)); l > bestLen {
				best, bestLen = n, l
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return best
}

// htmlText accumulates visible text with paragraph breaks at block
// elements.
type htmlText struct {
	buf  bytes.Buffer
	line strings.Builder
}

func (w *htmlText) flush() {
	s := cleanSpaces(w.line.String())
	w.line.Reset()
	if s == "" {
		return
	}
	if w.buf.Len() > 0 {
		w.buf.WriteString("\n\n")
	}
	w.buf.WriteString(s)
}

func (w *htmlText) walk(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			for i, l := range strings.Split(n.Data, "\n") {
				if i > 0 {
					w.flush()
				}
				w.line.WriteString(l)
			}
			return
		}
		w.line.WriteString(n.Data)
		return
	case html.ElementNode:
		if skipElements[n.DataAtom] {
			return
		}
		if n.DataAtom == atom.Br {
			w.flush()
			return
		}
		if n.DataAtom == atom.Td || n.DataAtom == atom.Th {
			w.line.WriteString(" | ")
		}
		if n.DataAtom == atom.Img {
			return
		}
	case html.CommentNode, html.DoctypeNode:
		return
	}
	block := n.Type == html.ElementNode && blockElements[n.DataAtom]
	if block {
		w.flush()
	}
	isPre := pre || n.DataAtom == atom.Pre
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, isPre)
	}
	if block {
		w.flush()
	}
}

func (w *htmlText) String() string {
	w.flush()
	// Table rows start with the cell separator; drop it.
	lines := strings.Split(w.buf.String(), "\n\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(strings.TrimPrefix(l, "| "))
	}
	return strings.Join(lines, "\n\n")
}
