package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"onewindow/models"
)

const keysUsage = `usage: onewindow keys rotate [--data DIR] [--key-file FILE]

Identity numbers, phones, addresses and form answers are sealed in the
database under the keys of a key file kept outside it: FILE, or
ONEWINDOW_KEY_FILE, or onewindow.key in the data folder (created on first
start). ONEWINDOW_KEYRING may hold the key file's content instead.

rotate replaces the keys: every sealed value and every blind index is
written again under new keys in one transaction, the old keys leave the key
file, and the database is rewritten without free pages. Stop the server
first, and back up the new key file: without it nothing sealed opens.
`

// keyFileFlag adds --key-file to a command that opens the store.
func keyFileFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("key-file", envOr(getenv, "KEY_FILE", ""),
		"the key file sealing personal data (ONEWINDOW_KEY_FILE; default: onewindow.key in the data folder)")
}

// dbFlag adds --db to a command that opens the store.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("db", envOr(getenv, "DB", ""),
		"a postgres:// URL to keep the data in PostgreSQL (ONEWINDOW_DB; default: SQLite in the data folder)")
}

// storeFlags adds --data, --db and --key-file to fs, for a command that works on
// the data folder's store; the returned open, called after fs.Parse, opens it.
func storeFlags(fs *flag.FlagSet, getenv func(string) string) (open func(context.Context) (*models.Store, error)) {
	data := fs.String("data", envOr(getenv, "DATA", "./data"), "data folder (ONEWINDOW_DATA)")
	db := dbFlag(fs, getenv)
	keyFile := keyFileFlag(fs, getenv)
	return func(ctx context.Context) (*models.Store, error) {
		opt, err := storeOptions(getenv, *keyFile)
		if err != nil {
			return nil, err
		}
		opt.DB = *db
		return models.Open(ctx, *data, opt)
	}
}

// storeOptions are the options every command opens the store with: the key file, or the
// keyring from ONEWINDOW_KEYRING.
func storeOptions(getenv func(string) string, keyFile string) (models.Options, error) {
	opt := models.Options{KeyFile: keyFile, DB: getenv(models.DBEnv)}
	if ring := getenv("ONEWINDOW_KEYRING"); ring != "" {
		k, err := models.ParseKeyring([]byte(ring))
		if err != nil {
			return opt, fmt.Errorf("ONEWINDOW_KEYRING: %w", err)
		}
		opt.Keyring = k
	}
	return opt, nil
}

// openStore opens the data folder's store with the command's key file.
func openStore(ctx context.Context, data string, getenv func(string) string, keyFile string) (*models.Store, error) {
	opt, err := storeOptions(getenv, keyFile)
	if err != nil {
		return nil, err
	}
	return models.Open(ctx, data, opt)
}

// keysCommand rotates the keys that seal personal data.
func keysCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		fmt.Fprint(stderr, keysUsage)
		return errors.New("keys: expected the sub-command rotate")
	}
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, keysUsage) }
	data := fs.String("data", envOr(getenv, "DATA", "./data"), "data folder (ONEWINDOW_DATA)")
	keyFile := keyFileFlag(fs, getenv)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if getenv("ONEWINDOW_KEYRING") != "" {
		return errors.New("keys rotate: the keys come from ONEWINDOW_KEYRING; rotate with a key file, then move its content there")
	}
	store, err := openStore(ctx, *data, getenv, *keyFile)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.RotateKeys(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sealed %d rows again under new keys; the key file %s now holds only the new keys: back it up apart from the data\n",
		n, store.KeyFile())
	return nil
}
