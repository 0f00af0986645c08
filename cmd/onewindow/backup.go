package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"onewindow/models"
)

const backupUsage = `usage: onewindow backup [--data DIR] [--files WHERE] -o FILE
       onewindow restore [--data DIR] [--files WHERE] [--key-file KEY] FILE

backup writes a consistent copy of the data folder (the database as one
snapshot, and every uploaded file) to FILE, a .tar.gz, while the server may
be running. With --files s3://bucket/prefix the uploads are read from that
store and copied into FILE as well, so a backup restores on its own. The key file that seals personal data is not in the backup: a
stolen backup opens nothing. Keep the key file apart.

restore unpacks FILE into an empty data folder, checks the database's
integrity and every application's event chain; give the key file with
--key-file (or ONEWINDOW_KEY_FILE) unless it is already in the data folder.
The files go into the data folder's files/; with --files s3://bucket/prefix
they are copied into that store (each one's content address checked) and
the folder is removed.
`

// backupCommand writes a backup of the data folder.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, backupUsage) }
	data := fs.String("data", envOr(getenv, "DATA", "./data"), "data folder (ONEWINDOW_DATA)")
	out := fs.String("o", "", "the backup file to write (.tar.gz)")
	filesAt := filesFlag(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("backup: give the file to write with -o")
	}
	if db := getenv(models.DBEnv); db != "" && db != "sqlite" {
		return errors.New("backup: the data is kept in PostgreSQL (ONEWINDOW_DB): back it up with pg_dump and WAL archiving (DEPLOY.md), and the files folder beside it")
	}
	if _, err := os.Stat(filepath.Join(*data, models.DatabaseFile)); err != nil {
		return fmt.Errorf("backup: no database in %s: %w", *data, err)
	}
	files, err := openFiles(ctx, *filesAt, *data, getenv)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := *out + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	sum, err := models.Backup(ctx, *data, files, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, *out)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backed up %s: database %d bytes, %d files (%d bytes) to %s\n", *data, sum.DatabaseBytes, sum.Files, sum.FileBytes, *out)
	fmt.Fprintln(stdout, "the key file is not in the backup: keep a copy of it apart from the backup, and give it to restore with --key-file")
	return nil
}

// restoreCommand unpacks a backup into an empty data folder and verifies it.
func restoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, backupUsage) }
	data := fs.String("data", envOr(getenv, "DATA", "./data"), "data folder to restore into; it must hold no database (ONEWINDOW_DATA)")
	keyFile := keyFileFlag(fs, getenv)
	filesAt := filesFlag(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore: give the backup file")
	}
	if *filesAt != "" && !isObjectStore(*filesAt) {
		return errors.New("restore: --files takes an s3://bucket/prefix store; the files of a restore into a folder go to the data folder's files/")
	}
	var store models.FileStore
	if isObjectStore(*filesAt) {
		var err error
		if store, err = openFiles(ctx, *filesAt, *data, getenv); err != nil { // reached before anything is unpacked
			return fmt.Errorf("restore: %w", err)
		}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	sum, err := models.Restore(ctx, f, *data)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s into %s: database %d bytes, %d files (%d bytes); integrity ok\n", fs.Arg(0), *data, sum.DatabaseBytes, sum.Files, sum.FileBytes)
	if store != nil {
		if err := moveRestoredFiles(ctx, *data, store, stdout); err != nil {
			return err
		}
	}
	// The restored folder is a SQLite one, whatever ONEWINDOW_DB says.
	return auditCommand(ctx, []string{"verify", "--data", *data, "--db", "sqlite", "--key-file", *keyFile}, getenv, stdout, stderr)
}
