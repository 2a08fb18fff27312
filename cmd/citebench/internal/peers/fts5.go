package peers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/citebot/citebot/cmd/citebench/internal/corpus"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go, FTS5 compiled in
)

// The FTS5 peer is what a developer would write with SQLite: the passages
// in an FTS5 table with the porter stemmer over unicode61 words, ranked by
// bm25 (FTS5's rank), the question's content words OR-ed as quoted terms,
// the top PeerTop passages with their text. The passage's text is FTS5's
// own content, with the document, the passage number and its byte offset
// unindexed beside it, so quotes are cut and located from what the query
// returns.
//
// It is measured the way the same thing written in Python with sqlite3
// runs: one connection, each statement prepared once, inserts in one
// transaction. What Go adds and a Python script does not have is left
// out: no statement is run with a cancellable context, because the
// driver then starts a goroutine and installs a progress handler for
// every statement (about 10 µs an insert, 15% of a 100k build); the
// context is checked between statements instead.
const (
	ftsSchema = `CREATE VIRTUAL TABLE passages USING fts5(text, doc UNINDEXED, ord UNINDEXED, start UNINDEXED, tokenize = 'porter unicode61')`
	ftsInsert = `INSERT INTO passages (text, doc, ord, start) VALUES (?, ?, ?, ?)`
	// ftsQuery ranks by the rank column, which is bm25() by default and
	// lets FTS5 keep only the best rows.
	ftsQuery    = `SELECT doc, ord, start, text FROM passages WHERE passages MATCH ? ORDER BY rank LIMIT ?`
	ftsOptimize = `INSERT INTO passages (passages) VALUES ('optimize')`
)

// openSQLite opens (creating when missing) the SQLite database at path on
// one connection and checks that FTS5 is compiled in.
func openSQLite(path string, create bool) (*sql.DB, error) {
	dsn := "file:" + path
	if !create {
		dsn += "?mode=ro"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	var on int
	if err := db.QueryRow(`SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&on); err != nil || on != 1 {
		db.Close()
		if err == nil {
			err = errors.New("this SQLite build has no FTS5")
		}
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return db, nil
}

// ftsBuilder inserts the passages into a new FTS5 table in one
// transaction, then merges the table's b-trees into one ('optimize'),
// which is what a bulk load is followed by for the fastest queries.
type ftsBuilder struct {
	path string
	rows []passage
}

func (b *ftsBuilder) Build(ctx context.Context) (int, error) {
	db, err := openSQLite(b.path, true)
	if err != nil {
		return 0, err
	}
	err = buildFTS(ctx, db, b.rows)
	return len(b.rows), errors.Join(err, db.Close())
}

func buildFTS(ctx context.Context, db *sql.DB, rows []passage) error {
	if _, err := db.Exec(ftsSchema); err != nil {
		return fmt.Errorf("create fts5 table: %w", err)
	}
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	st, err := tx.Prepare(ftsInsert)
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	defer st.Close()
	for i, p := range rows {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("fts5 indexing: %w", err)
			}
		}
		if _, err := st.Exec(p.text, p.doc, p.ord, p.start); err != nil {
			return fmt.Errorf("insert %s passage %d: %w", p.doc, p.ord, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if _, err := db.Exec(ftsOptimize); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

// ftsMatch turns a question into an FTS5 query: its content words, each a
// quoted string (so nothing in a question is FTS5 syntax), OR-ed. It is
// "" when the question has no content word.
func ftsMatch(question string) string {
	words := contentWords(question)
	for i, w := range words {
		words[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return strings.Join(words, " OR ")
}

// ftsHit is one passage FTS5 found.
type ftsHit struct {
	doc        string
	ord, start int
	text       string
}

// ftsAsker queries the table on its one connection with the statement
// prepared once.
type ftsAsker struct {
	db    *sql.DB
	query *sql.Stmt
}

func openFTS(path string) (*ftsAsker, error) {
	db, err := openSQLite(path, false)
	if err != nil {
		return nil, err
	}
	st, err := db.Prepare(ftsQuery)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare fts5 query: %w", err)
	}
	return &ftsAsker{db: db, query: st}, nil
}

// Ask returns the best passages for a question, with their text.
func (a *ftsAsker) Ask(ctx context.Context, q string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return searchFTS(a.query, q, PeerTop)
}

func searchFTS(st *sql.Stmt, question string, k int) ([]ftsHit, error) {
	m := ftsMatch(question)
	if m == "" {
		return nil, nil
	}
	rows, err := st.Query(m, k)
	if err != nil {
		return nil, fmt.Errorf("fts5 query: %w", err)
	}
	defer rows.Close()
	var out []ftsHit
	for rows.Next() {
		var h ftsHit
		if err := rows.Scan(&h.doc, &h.ord, &h.start, &h.text); err != nil {
			return nil, fmt.Errorf("fts5 row: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fts5 rows: %w", err)
	}
	return out, nil
}

// Quotes cuts each passage's best sentence.
func (a *ftsAsker) Quotes(q string, res Result) ([]corpus.Quote, bool, error) {
	qw := contentWords(q)
	hits := res.([]ftsHit)
	quotes := make([]corpus.Quote, 0, len(hits))
	for _, h := range hits {
		quotes = append(quotes, quoteFrom(h.doc, h.start, h.text, qw))
	}
	return quotes, len(quotes) > 0, nil
}

func (a *ftsAsker) Close() error { return errors.Join(a.query.Close(), a.db.Close()) }
