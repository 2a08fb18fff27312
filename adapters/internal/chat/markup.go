package chat

import "github.com/citebot/citebot/bot"

// Markup is how a platform writes the lines every chat adapter shows the
// same way: a quote's citation line and a line of the document list.
// The layout is chat-neutral; the syntax is the platform's.
type Markup struct {
	// Escape makes document text literal (no formatting, no mentions).
	Escape func(s string) string
	// Link links an escaped label to a document's URL, or returns the
	// label as it is when the URL cannot be linked.
	Link func(label, url string) string
	// Cut shortens s to n characters (as the platform counts them),
	// marking the cut.
	Cut func(s string, n int) string
}

// CitationLine is "headline — publisher, author, date · p. P · paragraph
// N" (the page for paginated sources only, see bot.Place), the headline
// linked to the document.
func (m Markup) CitationLine(s bot.Source) string {
	line := m.Link(m.Escape(s.Title), s.URL)
	if s.Byline != "" {
		line += " — " + m.Escape(s.Byline)
	}
	if place := s.Place(); place != "" {
		line += " · " + place
	}
	return line
}

// SourceLine is a document's line in the list of documents: a bullet,
// its citation line (headline, or else ID, and byline each cut to n),
// and its collection.
func (m Markup) SourceLine(d bot.DocumentInfo, n int) string {
	title := d.Title
	if title == "" {
		title = d.ID
	}
	src := bot.Source{Title: bot.DefuseMentions(m.Cut(title, n)), Byline: bot.DefuseMentions(m.Cut(bot.Byline(d.Metadata), n)), URL: bot.LinkURL(d.URL)}
	line := "• " + m.CitationLine(src)
	if d.Collection != "" {
		line += " · " + m.Escape(bot.DefuseMentions(d.Collection))
	}
	return line
}
