package text

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// The gazetteer: countries, their regions and cities, with the adjectives
// and demonyms derived from them ("German", "Filipino"), kept as data in
// data/*.tsv (see data/README.md). Names recognise places; derived forms
// let a question's "Philippine" meet a text's "the Philippines".

//go:embed data/*.tsv
var gazetteerFiles embed.FS

// gazetteer holds the tables, read once at start-up.
type gazetteer struct {
	places map[string]string // any name or alias, lower case → the canonical place name
	// codes holds short upper-case aliases ("UK", "WA", "IN"), matched
	// with their case: lower case they are ordinary words.
	codes map[string]string
	// derived maps an adjective or demonym, lower case, to the canonical
	// name of the place it derives from ("german" → "Germany").
	derived map[string]string
	// forms maps a canonical place name to every way of writing it and
	// its derived forms, lower case.
	forms map[string][]string
}

var gaz = mustLoadGazetteer(gazetteerFiles)

func mustLoadGazetteer(fsys fs.FS) *gazetteer {
	g, err := loadGazetteer(fsys)
	if err != nil {
		panic(fmt.Sprintf("text: gazetteer: %v", err))
	}
	return g
}

// loadGazetteer reads every table: a header line naming the columns, then
// one place per line; columns name, aliases, adjectives and demonyms hold
// '|'-separated forms.
func loadGazetteer(fsys fs.FS) (*gazetteer, error) {
	g := &gazetteer{places: map[string]string{}, codes: map[string]string{}, derived: map[string]string{}, forms: map[string][]string{}}
	files, err := fs.Glob(fsys, "data/*.tsv")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		var cols []string
		line := 0
		for sc.Scan() {
			line++
			l := sc.Text()
			if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
				continue
			}
			fields := strings.Split(l, "\t")
			if cols == nil {
				cols = fields
				continue
			}
			if len(fields) != len(cols) {
				return nil, fmt.Errorf("%s:%d: %d columns; the header has %d", f, line, len(fields), len(cols))
			}
			row := map[string]string{}
			for i, c := range cols {
				row[c] = strings.TrimSpace(fields[i])
			}
			name := row["name"]
			if name == "" {
				return nil, fmt.Errorf("%s:%d: no name", f, line)
			}
			g.add(name, name)
			for _, a := range split(row["aliases"]) {
				g.add(a, name)
			}
			for _, d := range append(split(row["adjectives"]), split(row["demonyms"])...) {
				key := strings.ToLower(d)
				if _, taken := g.derived[key]; !taken {
					g.derived[key] = name
				}
				g.forms[name] = append(g.forms[name], key)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return g, nil
}

func (g *gazetteer) add(form, name string) {
	if len(form) <= 3 && strings.ToUpper(form) == form {
		if _, taken := g.codes[form]; !taken {
			g.codes[form] = name
		}
		return
	}
	key := strings.ToLower(form)
	if _, taken := g.places[key]; !taken {
		g.places[key] = name
	}
	g.forms[name] = append(g.forms[name], key)
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// lookupPlace reports whether a name, as written, is a known place.
func lookupPlace(name string) bool {
	if _, ok := gaz.codes[name]; ok {
		return true
	}
	_, ok := gaz.places[strings.TrimPrefix(strings.ToLower(name), "the ")]
	return ok
}

// isNationality reports whether a lower-case word is an adjective or
// demonym of a known place ("german", "filipinos").
func isNationality(lower string) bool {
	_, ok := gaz.derived[lower]
	return ok
}

// PlaceOf returns the canonical place a name or derived form refers to
// ("Philippine", "the Philippines", "Filipinos" → "Philippines"), and
// whether it knows one.
func PlaceOf(s string) (string, bool) {
	if p, ok := gaz.codes[s]; ok {
		return p, true
	}
	key := strings.TrimPrefix(strings.ToLower(s), "the ")
	if p, ok := gaz.places[key]; ok {
		return p, true
	}
	p, ok := gaz.derived[key]
	return p, ok
}

// PlaceForms returns every way of writing a canonical place and its
// derived forms, lower case.
func PlaceForms(place string) []string { return gaz.forms[place] }
