package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/citebot/citebot/bot"
)

// WriteSources writes a page of the document list: with asJSON one JSON
// object per line (the fields of GET /api/sources items), else one line
// per document for a person ("id · collection · date · headline —
// publisher, author · N passages", "undated" when the document has no
// date), then, when more follow, the --after to pass for the next page.
func WriteSources(w io.Writer, page []bot.DocumentInfo, next string, asJSON bool) error {
	if asJSON {
		for _, s := range page {
			b, err := json.Marshal(s)
			if err != nil {
				return fmt.Errorf("encode source %s: %w", s.ID, err)
			}
			if _, err := w.Write(append(b, '\n')); err != nil {
				return err
			}
		}
		return nil
	}
	var b strings.Builder
	for _, s := range page {
		date := s.Date
		if date == "" {
			date = "undated"
		}
		coll := s.Collection
		if coll == "" {
			coll = "default"
		}
		title := s.Title
		if title == "" {
			title = "(no headline)"
		}
		line := fmt.Sprintf("%s · %s · %s · %s", s.ID, coll, date, title)
		var by []string
		for _, p := range []string{s.Publisher, s.Author} {
			if p != "" {
				by = append(by, p)
			}
		}
		if len(by) > 0 {
			line += " — " + strings.Join(by, ", ")
		}
		fmt.Fprintf(&b, "%s · %s\n", line, plural(s.Passages, "passage"))
	}
	if next != "" {
		fmt.Fprintf(&b, "… more: --after %s\n", next)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
