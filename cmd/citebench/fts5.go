package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go, FTS5 compiled in
)

// The SQLite baseline: the same passages in an FTS5 table with the
// porter stemmer over unicode61 words, ranked by FTS5's bm25(). Passage
// texts are stored in the table (FTS5's own content), with the document id,
// the passage number and its start offset unindexed beside them, so quotes
// can be cut and located without citebot.
const (
	ftsSchema = `CREATE VIRTUAL TABLE passages USING fts5(text, doc UNINDEXED, ord UNINDEXED, start UNINDEXED, tokenize = 'porter unicode61')`
	ftsInsert = `INSERT INTO passages (text, doc, ord, start) VALUES (?, ?, ?, ?)`
	// ftsQuery ranks by the rank column, which is bm25() by default and
	// lets FTS5 keep only the best k rows.
	ftsQuery = `SELECT rowid, doc, ord FROM passages WHERE passages MATCH ? ORDER BY rank LIMIT ?`
	ftsText  = `SELECT text, start FROM passages WHERE rowid = ?`
)

// openFTS opens (creating when missing) the SQLite database at path and
// checks that FTS5 is compiled in.
func openFTS(path string, create bool) (*sql.DB, error) {
	dsn := "file:" + path
	if !create {
		dsn += "?mode=ro"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var on int
	if err := db.QueryRow(`SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&on); err != nil || on != 1 {
		db.Close()
		if err == nil {
			err = fmt.Errorf("this SQLite build has no FTS5")
		}
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return db, nil
}

// ftsPassage is one row to insert.
type ftsPassage struct {
	text       string
	doc        string
	ord, start int
}

// buildFTS inserts passages into a new FTS5 table in one transaction and
// then merges the table's b-trees into one ('optimize'), which is what a
// bulk load is followed by for the fastest queries.
func buildFTS(ctx context.Context, db *sql.DB, passages []ftsPassage) error {
	if _, err := db.ExecContext(ctx, ftsSchema); err != nil {
		return fmt.Errorf("create fts5 table: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, ftsInsert)
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	for _, p := range passages {
		if _, err := st.ExecContext(ctx, p.text, p.doc, p.ord, p.start); err != nil {
			return fmt.Errorf("insert %s passage %d: %w", p.doc, p.ord, err)
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO passages (passages) VALUES ('optimize')`); err != nil {
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
	rowid int64
	doc   string
	ord   int
}

// searchFTS returns the best k passages for a question.
func searchFTS(ctx context.Context, st *sql.Stmt, question string, k int) ([]ftsHit, error) {
	m := ftsMatch(question)
	if m == "" {
		return nil, nil
	}
	rows, err := st.QueryContext(ctx, m, k)
	if err != nil {
		return nil, fmt.Errorf("fts5 query: %w", err)
	}
	defer rows.Close()
	var out []ftsHit
	for rows.Next() {
		var h ftsHit
		if err := rows.Scan(&h.rowid, &h.doc, &h.ord); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
