// Package cli is citebot's terminal adapter: it reads questions (one
// argument, or one per line of a reader), asks the bot, and writes answers
// either for a person (short answer, numbered quotes with "headline —
// publisher, author, date") or as one JSON object per line. It takes an
// io.Reader and io.Writer, so it doubles as the harness tests drive.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/citebot/citebot/bot"
)

// Asker answers questions; *bot.Bot is one.
type Asker interface {
	Ask(ctx context.Context, req bot.Request) (bot.Reply, error)
}

// Options control output.
type Options struct {
	JSON bool // one JSON object per answer, on its own line
	Top  int  // citations per answer; 0 for the default
	// Collections limits answers to documents of these collections;
	// empty means all.
	Collections []string
	// Bold emphasises the answer span with ANSI bold (for terminals).
	Bold bool
	// Workers is how many questions from a stream are answered at once;
	// 0 means GOMAXPROCS.
	Workers int
}

// MaxLineBytes is the longest question line read from a stream; longer
// lines are answered from their first MaxLineBytes.
const MaxLineBytes = 1 << 20

// AskOne answers one question and writes the reply.
func AskOne(ctx context.Context, a Asker, question string, w io.Writer, opts Options) error {
	reply, err := a.Ask(ctx, bot.Request{Question: question, Top: opts.Top, Collections: opts.Collections})
	return write(w, question, reply, err, opts)
}

// AskLines answers each non-empty line of r, on opts.Workers goroutines
// (GOMAXPROCS when 0), and writes the answers in input order, each (and
// w flushed, when w can) as soon as it and every answer before it are
// ready. A question that fails is written as its error (see write); only
// reading, writing or encoding failures stop the run.
func AskLines(ctx context.Context, a Asker, r io.Reader, w io.Writer, opts Options) error {
	return eachLine(ctx, r, w, opts.JSON, "questions", opts.Workers, func(ctx context.Context, q string) ([]byte, error) {
		reply, err := a.Ask(ctx, bot.Request{Question: q, Top: opts.Top, Collections: opts.Collections})
		var b bytes.Buffer
		if err := write(&b, q, reply, err, opts); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	})
}

// jsonError is the JSON line written for a question that failed.
type jsonError struct {
	Question string       `json:"question"`
	Error    errorMessage `json:"error"`
}

// errorMessage is a failure as the JSON lines give it: the code and the
// message a user may see.
type errorMessage struct {
	Code    bot.Code `json:"code"`
	Message string   `json:"message"`
}

func errorOf(err error) errorMessage {
	return errorMessage{Code: bot.ErrorCode(err), Message: bot.ErrorMessage(err)}
}

// writeLine writes v as one JSON line; what names it in an error.
func writeLine(w io.Writer, v any, what string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", what, err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func write(w io.Writer, question string, reply bot.Reply, askErr error, opts Options) error {
	if opts.JSON {
		var v any = reply
		if askErr != nil {
			v = jsonError{Question: question, Error: errorOf(askErr)}
		}
		return writeLine(w, v, "answer")
	}
	if askErr != nil {
		_, err := fmt.Fprintf(w, "Q: %s\nerror: %s\n", question, bot.ErrorMessage(askErr))
		return err
	}
	_, err := io.WriteString(w, Text(reply, opts.Bold))
	return err
}

// Text renders a reply for a person reading a terminal. An answer under
// bot.LowConfidence says so before the short answer.
func Text(r bot.Reply, bold bool) string {
	var b strings.Builder
	b.WriteString(bot.TextHead(r))
	if !r.Answered && len(r.Closest) > 0 {
		b.WriteString("Closest passages:\n")
	}
	for i, c := range r.Quotes() {
		fmt.Fprintf(&b, "\n[%d] “%s”\n", i+1, emphasise(c, bold))
		fmt.Fprintf(&b, "    %s\n", CitationLine(c))
	}
	return b.String()
}

// emphasise wraps the citation's highlight in ANSI bold.
func emphasise(c bot.Citation, bold bool) string {
	h := c.Highlight
	if !bold || h == nil || h.Start < c.Start || h.End > c.End || h.Start >= h.End {
		return c.Quote
	}
	s, e := h.Start-c.Start, h.End-c.Start
	return c.Quote[:s] + "\x1b[1m" + c.Quote[s:e] + "\x1b[0m" + c.Quote[e:]
}

// CitationLine is "headline — publisher, author, date · p. P · paragraph
// N", with the parts a document lacks left out (the page is a PDF's, see
// bot.Place).
func CitationLine(c bot.Citation) string {
	title := c.Title
	if title == "" {
		title = c.Doc
	}
	var parts []string
	for _, p := range []string{c.Publisher, c.Author, c.Date} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	line := title
	if len(parts) > 0 {
		line += " — " + strings.Join(parts, ", ")
	}
	if place := bot.Place(c.Page, c.Paragraph); place != "" {
		line += " · " + place
	}
	if c.URL != "" {
		line += " · " + c.URL
	}
	return line
}
