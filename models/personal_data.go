package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"gorm.io/gorm/schema"
)

func init() { schema.RegisterSerializer("sealed", sealedSerializer{}) }

// sealedSerializer is the gorm column type of personal data (`gorm:"serializer:sealed"`):
// a scanned value opens itself with the key it names; a written value must already be
// sealed (the store seals on its own write paths), so plain personal data can never slip
// into the database through a gorm write nobody thought of.
type sealedSerializer struct{}

func (sealedSerializer) Scan(ctx context.Context, field *schema.Field, dst reflect.Value, dbValue any) error {
	var v string
	switch x := dbValue.(type) {
	case nil:
	case string:
		v = x
	case []byte:
		v = string(x)
	default:
		return fmt.Errorf("models: personal data from %T", dbValue)
	}
	plain, err := unseal(v)
	if err != nil {
		return err
	}
	field.ReflectValueOf(ctx, dst).SetString(plain)
	return nil
}

func (sealedSerializer) Value(_ context.Context, field *schema.Field, _ reflect.Value, fieldValue any) (any, error) {
	v, _ := fieldValue.(string)
	if v != "" && !isSealed(v) {
		return nil, fmt.Errorf("models: %s is personal data and must be sealed before it is written", field.DBName)
	}
	return v, nil
}

// sealedInto scans a sealed column of a fixed statement into a string, opened.
type sealedInto struct{ dst *string }

func (s sealedInto) Scan(v any) error {
	var raw sql.NullString
	if err := raw.Scan(v); err != nil {
		return err
	}
	plain, err := unseal(raw.String)
	*s.dst = plain
	return err
}

// sealedColumns lists, per table, the columns that hold sealed personal data and the
// blind-index column kept beside the identity number. Sealing an older database and
// rotating keys both walk this list, so a new sealed column is added here once.
var sealedColumns = []struct {
	table   string
	columns []string
	id      string // the column holding the identity number ("" for none)
	index   string // its blind index
}{
	{"applicants", []string{"id_number", "phone", "address"}, "id_number", "id_index"},
	{"applications", []string{"applicant_id_number", "applicant_phone", "form"}, "applicant_id_number", "applicant_id_index"},
	{"bundle_filings", []string{"applicant_id_number", "form"}, "applicant_id_number", "applicant_id_index"},
	{"users", []string{"citizen_id"}, "", ""},
	{"application_deliveries", []string{"receiver"}, "", ""},
	{"applications", []string{"applicant_email"}, "", ""}, // the notification address (outbox)
}

// loadKeys finds the database's keyring (opt.Keyring, else the key file) and checks it
// against the database. A database without sealed data yet gets a new key file; one with
// sealed data and no key file is refused (ErrNoKey), as is a key file of another database.
func (s *Store) loadKeys(ctx context.Context, dir string, opt Options) error {
	s.keyFile = opt.KeyFile
	if s.keyFile == "" {
		s.keyFile = filepath.Join(dir, KeyFileName)
	}
	var recorded string
	err := s.writes.db.QueryRowContext(ctx, `SELECT index_mac FROM keyring_check WHERE id = 1`).Scan(&recorded)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("models: keyring: %w", err)
	}
	k := opt.Keyring
	if k == nil {
		k, err = ReadKeyring(s.keyFile)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if k != nil && recorded != "" && k.check() != recorded {
			// A rotation that committed but did not get to move its new key file in place.
			if next, nerr := ReadKeyring(s.keyFile + ".next"); nerr == nil && next.check() == recorded {
				if err := os.Rename(s.keyFile+".next", s.keyFile); err != nil {
					return fmt.Errorf("models: keyring: %w", err)
				}
				k = next
			}
		}
	}
	switch {
	case k == nil && recorded != "":
		return fmt.Errorf("models: %s (%s): %w", s.keyFile, "give it with --key-file or ONEWINDOW_KEY_FILE", ErrNoKey)
	case k == nil:
		if k, err = NewKeyring(); err != nil {
			return err
		}
		if err := WriteKeyring(s.keyFile, k); err != nil {
			return err
		}
	case recorded != "" && k.check() != recorded:
		return fmt.Errorf("models: %s: %w", s.keyFile, ErrWrongKey)
	}
	if err := k.register(); err != nil {
		return fmt.Errorf("models: keyring: %w", err)
	}
	s.keys = k
	if recorded != "" {
		return nil
	}
	// The first start with keys: a database written before sealing is sealed now, once.
	if _, err := s.writes.db.ExecContext(ctx, s.writes.rebind(`INSERT INTO keyring_check (id, index_mac, sealed_at) VALUES (1, ?, ?)`),
		k.check(), time.Now().UTC()); err != nil {
		return fmt.Errorf("models: keyring: %w", err)
	}
	return s.sealPlain(ctx)
}

// sealPlain seals the personal data a database written before sealing still holds in plain
// text, then rewrites the file (VACUUM) and empties the write-ahead log, so that no page of
// either keeps an old plain value.
func (s *Store) sealPlain(ctx context.Context) error {
	n, err := s.reseal(ctx, s.keys, false)
	if err != nil || n == 0 {
		return err
	}
	return s.scrub(ctx)
}

// scrub rewrites the database file without free pages and truncates its write-ahead log.
func (s *Store) scrub(ctx context.Context) error {
	for _, q := range []string{`VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := s.writes.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("models: %s: %w", q, err)
		}
	}
	return nil
}

// reseal writes every sealed column under k's primary key and every blind index under k's
// index key, in one transaction: all rows (a rotation) or only rows still in plain text.
// It returns how many rows it rewrote.
func (s *Store) reseal(ctx context.Context, k *Keyring, all bool) (int, error) {
	tx, err := s.writes.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	total := 0
	for _, t := range sealedColumns {
		n, err := resealTable(ctx, tx, s.writes.rebind, k, t.table, t.columns, t.id, t.index, all)
		if err != nil {
			return 0, fmt.Errorf("models: seal %s: %w", t.table, err)
		}
		total += n
	}
	if all {
		if _, err := tx.ExecContext(ctx, s.writes.rebind(`UPDATE keyring_check SET index_mac = ?, sealed_at = ? WHERE id = 1`),
			k.check(), time.Now().UTC()); err != nil {
			return 0, err
		}
	}
	return total, tx.Commit()
}

func resealTable(ctx context.Context, tx *sql.Tx, rebind func(string) string, k *Keyring, table string, cols []string, id, index string,
	all bool) (int, error) {
	sel := "SELECT id"
	for _, c := range cols {
		sel += ", " + c
	}
	sel += " FROM " + table
	if !all {
		// Rows not sealed yet: any sealed column still in plain text.
		where := ""
		for _, c := range cols {
			if where != "" {
				where += " OR "
			}
			where += "(" + c + " <> '' AND substr(" + c + ", 1, 5) <> '" + sealPrefix + "')"
		}
		sel += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, sel)
	if err != nil {
		return 0, err
	}
	type row struct {
		id   int64
		vals []string
	}
	var todo []row
	for rows.Next() {
		r := row{vals: make([]string, len(cols))}
		dst := []any{&r.id}
		for i := range r.vals {
			dst = append(dst, &r.vals[i])
		}
		if err := rows.Scan(dst...); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, r)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if len(todo) == 0 {
		return 0, nil
	}
	upd := "UPDATE " + table + " SET "
	for i, c := range cols {
		if i > 0 {
			upd += ", "
		}
		upd += c + " = ?"
	}
	if index != "" {
		upd += ", " + index + " = ?"
	}
	upd += " WHERE id = ?"
	stmt, err := tx.PrepareContext(ctx, rebind(upd))
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	for _, r := range todo {
		args := make([]any, 0, len(cols)+2)
		var idPlain string
		for i, c := range cols {
			plain, err := unseal(r.vals[i])
			if err != nil {
				return 0, fmt.Errorf("row %d: %w", r.id, err)
			}
			if c == id {
				idPlain = plain
			}
			args = append(args, k.seal(plain))
		}
		if index != "" {
			args = append(args, k.blind(idPlain))
		}
		if _, err := stmt.ExecContext(ctx, append(args, r.id)...); err != nil {
			return 0, fmt.Errorf("row %d: %w", r.id, err)
		}
	}
	return len(todo), nil
}

// RotateKeys replaces the database's keys: a new data key and a new index key seal every
// value and index again in one transaction, the old keys are dropped from the key file, and
// the file is rewritten without free pages. Run it with the server stopped: a running server
// keeps sealing with the old key. A crash at any point leaves a database its key file opens
// (the new key file is written beside the old one first, and Open adopts it when the
// database says the rotation committed).
func (s *Store) RotateKeys(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, errors.New("models: rotate keys: no keyring")
	}
	next, err := NewKeyring()
	if err != nil {
		return 0, err
	}
	// The new keyring still holds the old data keys until the rows are sealed again.
	for id, key := range s.keys.Keys {
		next.Keys[id] = key
	}
	if err := next.register(); err != nil {
		return 0, err
	}
	if err := WriteKeyring(s.keyFile+".next", next); err != nil {
		return 0, err
	}
	n, err := s.reseal(ctx, next, true)
	if err != nil {
		os.Remove(s.keyFile + ".next")
		return 0, fmt.Errorf("models: rotate keys: %w", err)
	}
	if err := os.Rename(s.keyFile+".next", s.keyFile); err != nil {
		return 0, fmt.Errorf("models: rotate keys: the database is sealed under %s.next, which must replace %s: %w",
			s.keyFile, s.keyFile, err)
	}
	for id := range next.Keys {
		if id != next.Primary {
			delete(next.Keys, id)
		}
	}
	if err := WriteKeyring(s.keyFile, next); err != nil {
		return 0, err
	}
	s.keys = next
	return n, s.scrub(ctx)
}

// KeyFile is where the store's key file is.
func (s *Store) KeyFile() string { return s.keyFile }

// sealApplicant returns a with its identity number, phone and address sealed and the
// blind index set; a value already sealed is kept.
func (s *Store) sealApplicant(a Applicant) Applicant {
	if !isSealed(a.IDNumber) {
		a.IDIndex = s.keys.blind(a.IDNumber)
		a.IDNumber = s.keys.seal(a.IDNumber)
	}
	if !isSealed(a.Phone) {
		a.Phone = s.keys.seal(a.Phone)
	}
	if !isSealed(a.Address) {
		a.Address = s.keys.seal(a.Address)
	}
	return a
}

// sealForm is the answers as stored: JSON, sealed.
func (s *Store) sealForm(f FormData) (string, error) {
	v, err := f.Value()
	if err != nil {
		return "", err
	}
	return s.keys.seal(v.(string)), nil
}

// blindIndex is the blind index of an identity number (normalised by the caller).
func (s *Store) blindIndex(idNumber string) string { return s.keys.blind(idNumber) }

// SealPersonal seals a value as the store writes personal data, for tools that bulk-load
// rows with their own statements (the load generator); BlindIndex is the matching index of
// an identity number.
func (s *Store) SealPersonal(v string) string { return s.keys.seal(v) }

// BlindIndex is the blind index of a normalised identity number.
func (s *Store) BlindIndex(idNumber string) string { return s.keys.blind(idNumber) }
