package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Moving a data folder's SQLite database to PostgreSQL (onewindow migrate).
// The target is migrated to the source's schema version, every table is
// copied in one transaction with the server's triggers and foreign-key
// checks off for that transaction only (session_replication_role =
// replica: the append-only triggers must not see the copy), the identity
// sequences are moved past the copied ids, and the result is checked:
// the same number of rows in every table and an intact event chain for
// every application. Sealed personal data is copied as it is: the key
// file stays with the data folder.

// TransferBatch is how many rows one COPY sends at a time.
const TransferBatch = 1000

// ErrTargetNotEmpty is returned when the target database already holds data.
var ErrTargetNotEmpty = errors.New("the target database already holds data")

// ErrTransferMismatch is returned when the copy's verification fails.
var ErrTransferMismatch = errors.New("the copy does not match its source")

// TransferTable is one table's outcome.
type TransferTable struct {
	Name           string
	Source, Target int64 // rows in the source and, after the copy, in the target
}

// TransferReport is what a transfer did and found.
type TransferReport struct {
	Version          int // the schema version of both databases
	Tables           []TransferTable
	Copy, Verify     time.Duration
	Applications     int // applications whose chains were verified
	Events, Broken   int // their events, and how many chains are broken
	TriggersDisabled bool
}

// Rows is the number of rows copied.
func (r TransferReport) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Target
	}
	return n
}

// TransferOptions configures TransferToPostgres.
type TransferOptions struct {
	// Store is how the target is opened for the chain check: the key file
	// (or keyring) of the data folder.
	Store Options
	// Progress, when set, is called after every batch of a table.
	Progress func(table string, done, total int64)
}

// TransferToPostgres copies the SQLite database of the data folder dir into
// the PostgreSQL database at target (used exactly as given), then verifies
// the copy. It refuses a target holding any application, item or account,
// and a source whose schema version is not this binary's.
func TransferToPostgres(ctx context.Context, dir, target string, opt TransferOptions) (TransferReport, error) {
	var rep TransferReport
	if !isPostgresURL(target) {
		return rep, fmt.Errorf("models: migrate: the target %q is not a postgres:// URL", redactURL(target))
	}
	if err := postgresNamesDatabase(target); err != nil {
		return rep, fmt.Errorf("models: migrate: the target: %w", err)
	}
	path := filepath.Join(dir, DatabaseFile)
	if _, err := os.Stat(path); err != nil {
		return rep, fmt.Errorf("models: migrate: the source %s: %w", path, err)
	}
	// Read only, with a deferred BEGIN (the store's connections begin IMMEDIATE, which takes the write lock).
	src, err := sql.Open(sqliteDriver, "file:"+path+"?mode=ro&_query_only=on&_txlock=deferred&_busy_timeout=5000")
	if err != nil {
		return rep, fmt.Errorf("models: migrate: open the source: %w", err)
	}
	defer src.Close()
	src.SetMaxOpenConns(1)
	want, err := migrationsFor(sqliteDialect{})
	if err != nil {
		return rep, err
	}
	var version int
	if err := src.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&version); err != nil {
		return rep, fmt.Errorf("models: migrate: the source's schema version: %w", err)
	}
	if version != len(want) {
		return rep, fmt.Errorf("models: migrate: the source's schema is version %d, this binary's is %d: open the data folder once with `onewindow serve` of this version (it migrates the schema), stop it, then copy", version, len(want))
	}
	rep.Version = version

	d := postgresDialect{url: target}
	dst, err := d.open("", opt.Store, false)
	if err != nil {
		return rep, err
	}
	defer dst.Close()
	if err := targetEmpty(ctx, dst); err != nil {
		return rep, err
	}
	if err := migrateDB(ctx, dst, d); err != nil {
		return rep, err
	}
	var pgVersion int
	if err := dst.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&pgVersion); err != nil {
		return rep, fmt.Errorf("models: migrate: the target's schema version: %w", err)
	}
	if pgVersion != version {
		return rep, fmt.Errorf("models: migrate: the target's schema is version %d, the source's %d", pgVersion, version)
	}
	// Checked again after migrating: a half-made target may have had no tables yet.
	if err := targetEmpty(ctx, dst); err != nil {
		return rep, err
	}

	start := time.Now()
	// One read transaction: the copy is of one moment of the source.
	stx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("models: migrate: read the source: %w", err)
	}
	defer stx.Rollback() //nolint:errcheck // read-only
	tables, err := sourceTables(ctx, stx)
	if err != nil {
		return rep, err
	}
	conn, err := dst.Conn(ctx)
	if err != nil {
		return rep, fmt.Errorf("models: migrate: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		var err error
		rep.Tables, rep.TriggersDisabled, err = copyTables(ctx, stx, pc, tables, opt.Progress)
		return err
	})
	if err != nil {
		return rep, err
	}
	rep.Copy = time.Since(start)

	start = time.Now()
	if err := verifyTransfer(ctx, stx, dst, &rep); err != nil {
		return rep, err
	}
	dst.Close()
	if err := verifyChains(ctx, dir, target, opt.Store, &rep); err != nil {
		return rep, err
	}
	rep.Verify = time.Since(start)
	var bad []string
	for _, t := range rep.Tables {
		if t.Source != t.Target {
			bad = append(bad, fmt.Sprintf("%s: %d rows in the source, %d in the target", t.Name, t.Source, t.Target))
		}
	}
	if rep.Broken > 0 {
		bad = append(bad, fmt.Sprintf("%d broken event chains in the target", rep.Broken))
	}
	if len(bad) > 0 {
		return rep, fmt.Errorf("models: migrate: %w: %s", ErrTransferMismatch, strings.Join(bad, "; "))
	}
	return rep, nil
}

// targetEmpty refuses a target that holds any application, item or account.
func targetEmpty(ctx context.Context, db *sql.DB) error {
	for _, t := range []string{"applications", "items", "users"} {
		var exists bool
		if err := db.QueryRowContext(ctx, "SELECT to_regclass($1) IS NOT NULL", t).Scan(&exists); err != nil {
			return fmt.Errorf("models: migrate: the target: %w", err)
		}
		if !exists {
			continue
		}
		var any bool
		if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgx.Identifier{t}.Sanitize()+")").Scan(&any); err != nil {
			return fmt.Errorf("models: migrate: the target: %w", err)
		}
		if any {
			return fmt.Errorf("models: migrate: %w (its %s table has rows); give an empty database", ErrTargetNotEmpty, t)
		}
	}
	return nil
}

// sourceTables lists the source's tables (no SQLite internals, no schema_migrations).
func sourceTables(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("models: migrate: list the source's tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// transferColumn is one copied column and its type on the target.
type transferColumn struct {
	name, pgType string
}

// copyTables copies every table in one target transaction.
func copyTables(ctx context.Context, src *sql.Tx, dst *pgx.Conn, tables []string, progress func(string, int64, int64)) ([]TransferTable, bool, error) {
	tx, err := dst.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return nil, false, fmt.Errorf("models: migrate: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	// Triggers (the append-only ones, the change notices) and foreign-key
	// checks stay off for this transaction; without the right to do so the
	// tables go in an order that puts every referenced table first.
	replica := true
	if _, err := tx.Exec(ctx, "SAVEPOINT replica"); err != nil {
		return nil, false, fmt.Errorf("models: migrate: %w", err)
	}
	if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
		replica = false
		if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT replica"); err != nil {
			return nil, false, fmt.Errorf("models: migrate: %w", err)
		}
	}
	target, err := targetColumns(ctx, tx)
	if err != nil {
		return nil, false, err
	}
	for _, t := range tables {
		if _, ok := target[t]; !ok {
			return nil, false, fmt.Errorf("models: migrate: the source's table %s is missing in the target", t)
		}
	}
	order, err := dependencyOrder(ctx, tx, tables)
	if err != nil {
		return nil, false, err
	}
	// The migrations seed some tables; the source has the same rows.
	idents := make([]string, len(order))
	for i, t := range order {
		idents[i] = pgx.Identifier{t}.Sanitize()
	}
	if _, err := tx.Exec(ctx, "TRUNCATE "+strings.Join(idents, ", ")); err != nil {
		return nil, false, fmt.Errorf("models: migrate: empty the seeded tables: %w", err)
	}
	var out []TransferTable
	for _, t := range order {
		cols, err := copyColumns(ctx, src, t, target[t])
		if err != nil {
			return nil, false, err
		}
		n, err := copyTable(ctx, src, tx, t, cols, progress)
		if err != nil {
			return nil, false, err
		}
		out = append(out, TransferTable{Name: t, Source: n})
		if err := resetIdentity(ctx, tx, t); err != nil {
			return nil, false, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, false, fmt.Errorf("models: migrate: commit: %w", err)
	}
	slices.SortFunc(out, func(a, b TransferTable) int { return strings.Compare(a.Name, b.Name) })
	return out, replica, nil
}

// targetColumns reads the target's tables and the types of their (not generated) columns.
func targetColumns(ctx context.Context, tx pgx.Tx) (map[string]map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_generated = 'NEVER'`)
	if err != nil {
		return nil, fmt.Errorf("models: migrate: the target's columns: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var t, c, typ string
		if err := rows.Scan(&t, &c, &typ); err != nil {
			return nil, err
		}
		if out[t] == nil {
			out[t] = map[string]string{}
		}
		out[t][c] = typ
	}
	return out, rows.Err()
}

// dependencyOrder sorts tables so that every table comes after the tables it refers to.
func dependencyOrder(ctx context.Context, tx pgx.Tx, tables []string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE c.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return nil, fmt.Errorf("models: migrate: the target's foreign keys: %w", err)
	}
	defer rows.Close()
	refs := map[string][]string{}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, err
		}
		if from != to {
			refs[from] = append(refs[from], to)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	done := map[string]bool{}
	var out []string
	var visit func(t string, depth int)
	visit = func(t string, depth int) {
		if done[t] || depth > len(tables) {
			return
		}
		for _, r := range refs[t] {
			visit(r, depth+1)
		}
		if !done[t] && slices.Contains(tables, t) {
			done[t] = true
			out = append(out, t)
		}
	}
	for _, t := range tables {
		visit(t, 0)
	}
	return out, nil
}

// copyColumns are the source table's columns with their types on the
// target; a column the target lacks fails the copy.
func copyColumns(ctx context.Context, src *sql.Tx, table string, target map[string]string) ([]transferColumn, error) {
	rows, err := src.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, fmt.Errorf("models: migrate: the columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []transferColumn
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		typ, ok := target[c]
		if !ok {
			return nil, fmt.Errorf("models: migrate: the column %s.%s is missing in the target", table, c)
		}
		out = append(out, transferColumn{name: c, pgType: typ})
	}
	return out, rows.Err()
}

// copyTable sends one table's rows in batches of TransferBatch with COPY.
func copyTable(ctx context.Context, src *sql.Tx, tx pgx.Tx, table string, cols []transferColumn, progress func(string, int64, int64)) (int64, error) {
	var total int64
	if err := src.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(table)).Scan(&total); err != nil {
		return 0, fmt.Errorf("models: migrate: count %s: %w", table, err)
	}
	sel := make([]string, len(cols))
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
		if c.pgType == "text" {
			// As stored: the driver would turn a DATETIME column's text into a time.
			sel[i] = "CAST(" + quoteIdent(c.name) + " AS TEXT)"
		} else {
			sel[i] = quoteIdent(c.name)
		}
	}
	rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+quoteIdent(table)+" ORDER BY rowid")
	if err != nil {
		// WITHOUT ROWID tables have no rowid; their primary key orders them.
		rows, err = src.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+quoteIdent(table))
	}
	if err != nil {
		return 0, fmt.Errorf("models: migrate: read %s: %w", table, err)
	}
	defer rows.Close()
	var done int64
	batch := make([][]any, 0, TransferBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, names, pgx.CopyFromRows(batch))
		if err != nil {
			return fmt.Errorf("models: migrate: copy %s (rows %d to %d): %w", table, done+1, done+int64(len(batch)), err)
		}
		done += n
		batch = batch[:0]
		if progress != nil {
			progress(table, done, total)
		}
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, fmt.Errorf("models: migrate: read %s: %w", table, err)
		}
		for i, c := range cols {
			v, err := convertForPostgres(vals[i], c.pgType)
			if err != nil {
				return 0, fmt.Errorf("models: migrate: %s.%s (row %d): %w", table, c.name, done+int64(len(batch))+1, err)
			}
			vals[i] = v
		}
		batch = append(batch, vals)
		if len(batch) == TransferBatch {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("models: migrate: read %s: %w", table, err)
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return done, nil
}

// sqliteTimeFormats are the ways a time is written in the SQLite file.
var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// convertForPostgres turns a value read from SQLite into one of the target column's type.
func convertForPostgres(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && pgType != "bytea" {
		v = string(b)
	}
	switch pgType {
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0, nil
		case bool:
			return x, nil
		case float64:
			return x != 0, nil
		case string:
			switch strings.ToLower(x) {
			case "1", "true", "t":
				return true, nil
			case "0", "false", "f":
				return false, nil
			}
		}
	case "timestamp with time zone", "timestamp without time zone", "date":
		switch x := v.(type) {
		case time.Time:
			return x.UTC(), nil
		case int64:
			return time.Unix(x, 0).UTC(), nil
		case string:
			for _, f := range sqliteTimeFormats {
				if t, err := time.Parse(f, x); err == nil {
					return t.UTC(), nil
				}
			}
		}
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case float64:
			if x == float64(int64(x)) {
				return int64(x), nil
			}
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n, nil
			}
		}
	case "real", "double precision", "numeric":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case string:
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f, nil
			}
		}
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case "text", "character varying", "jsonb", "json":
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		}
	default:
		return nil, fmt.Errorf("the target's type %s is not one the copy knows", pgType)
	}
	return nil, fmt.Errorf("%v (%T) does not fit the target's type %s", v, v, pgType)
}

// resetIdentity moves the identity sequences of table past its largest id.
func resetIdentity(ctx context.Context, tx pgx.Tx, table string) error {
	rows, err := tx.Query(ctx, `SELECT column_name, pg_get_serial_sequence(quote_ident(table_name), column_name)
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
		AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL`, table)
	if err != nil {
		return fmt.Errorf("models: migrate: the sequences of %s: %w", table, err)
	}
	type seq struct{ col, name string }
	var seqs []seq
	for rows.Next() {
		var s seq
		if err := rows.Scan(&s.col, &s.name); err != nil {
			rows.Close()
			return err
		}
		seqs = append(seqs, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, s := range seqs {
		q := "SELECT setval($1, COALESCE((SELECT MAX(" + pgx.Identifier{s.col}.Sanitize() + ") FROM " +
			pgx.Identifier{table}.Sanitize() + "), 0) + 1, false)"
		if _, err := tx.Exec(ctx, q, s.name); err != nil {
			return fmt.Errorf("models: migrate: reset the sequence of %s.%s: %w", table, s.col, err)
		}
	}
	return nil
}

// verifyTransfer counts the rows of every copied table on both sides.
func verifyTransfer(ctx context.Context, src *sql.Tx, dst *sql.DB, rep *TransferReport) error {
	for i, t := range rep.Tables {
		if err := src.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(t.Name)).Scan(&rep.Tables[i].Source); err != nil {
			return fmt.Errorf("models: migrate: count %s in the source: %w", t.Name, err)
		}
		if err := dst.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+pgx.Identifier{t.Name}.Sanitize()).Scan(&rep.Tables[i].Target); err != nil {
			return fmt.Errorf("models: migrate: count %s in the target: %w", t.Name, err)
		}
	}
	return nil
}

// verifyChains opens the target as the server would (with the data
// folder's key) and checks every application's event chain.
func verifyChains(ctx context.Context, dir, target string, opt Options, rep *TransferReport) error {
	opt.DB = target
	opt.exactDB = true
	opt.DiskFloor = -1
	st, err := Open(ctx, dir, opt)
	if err != nil {
		return fmt.Errorf("models: migrate: open the target: %w", err)
	}
	defer st.Close()
	for r, err := range st.Chains(ctx, nil) {
		if err != nil {
			return err
		}
		rep.Applications++
		rep.Events += r.Events
		if r.Break != nil {
			rep.Broken++
		}
	}
	return nil
}

// quoteIdent quotes an SQLite identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
