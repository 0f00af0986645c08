package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/workflow"
)

// TestBackupUnderLoadRestoresEveryAcknowledgedFiling takes a backup while eight writers
// keep filing applications (and storing an upload with each), restores it into an empty
// folder, and finds every filing acknowledged before the backup began, with its file, and
// every event chain intact.
func TestBackupUnderLoadRestoresEveryAcknowledgedFiling(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := models.Open(ctx, dir, models.Options{DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	depts, _, items := demo.Catalogue()
	if _, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items); err != nil {
		t.Fatal(err)
	}
	var it *models.Item
	for _, c := range items {
		if c.OnApplication && !c.Reduced() && c.Status == models.ItemPublished {
			if it, err = store.Item(ctx, c.Code); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	files, err := models.NewFiles(filepath.Join(dir, models.FilesDir))
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu         sync.Mutex
		acked      []string // filings acknowledged, in order
		fileSums   = map[string]string{}
		stop       atomic.Bool
		wg         sync.WaitGroup
		ackedFirst int // acknowledged before the backup began
	)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				sum, _, err := files.Put(ctx, strings.NewReader(strings.Repeat("扫描件", 100+w*10+i)), 1<<20)
				if err != nil {
					t.Error(err)
					return
				}
				f, err := store.CreateApplication(ctx, models.NewApplication{Item: it, Channel: models.ChannelOnline, Actor: "applicant",
					Now: time.Now(), Applicant: models.Applicant{Kind: models.ApplicantPerson, IDKind: string(workflow.ResidentID),
						IDNumber: "11010519491231002X", Name: "张三"}})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked, fileSums[f.Number] = append(acked, f.Number), sum
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	ackedFirst = len(acked)
	mu.Unlock()
	backup := filepath.Join(t.TempDir(), "backup.tar.gz")
	var out bytes.Buffer
	err = run(ctx, []string{"backup", "--data", dir, "-o", backup}, noEnv, &out, &out)
	stop.Store(true)
	wg.Wait()
	store.Close()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	if ackedFirst == 0 {
		t.Fatal("no filing was acknowledged before the backup")
	}

	restored := filepath.Join(t.TempDir(), "restored")
	out.Reset()
	key := filepath.Join(dir, models.KeyFileName)
	if err := run(ctx, []string{"restore", "--data", restored, "--key-file", key, backup}, noEnv, &out, &out); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "integrity ok") || !strings.Contains(out.String(), " 0 broken") {
		t.Fatalf("restore output: %s", out.String())
	}
	rs, err := models.Open(ctx, restored, models.Options{KeyFile: key, DB: "sqlite"})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	rf, err := models.NewFiles(filepath.Join(restored, models.FilesDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range acked[:ackedFirst] {
		if _, err := rs.Application(ctx, n); err != nil {
			t.Errorf("filing %s, acknowledged before the backup, is missing: %v", n, err)
		}
		if f, _, err := rf.Open(ctx, fileSums[n]); err != nil {
			t.Errorf("the upload of %s is missing: %v", n, err)
		} else {
			f.Close()
		}
	}
	t.Logf("%d filings acknowledged before the backup, %d in all; restored: %s", ackedFirst, len(acked), out.String())

	out.Reset()
	if err := run(ctx, []string{"restore", "--data", restored, backup}, noEnv, &out, &out); err == nil {
		t.Fatal("a restore over an existing database was allowed")
	}
	if _, err := os.Stat(filepath.Join(restored, models.DatabaseFile)); err != nil {
		t.Fatal(err)
	}

	// The backup does not carry the key: without it the restored data does not open.
	out.Reset()
	err = run(ctx, []string{"restore", "--data", filepath.Join(t.TempDir(), "nokey"), backup}, noEnv, &out, &out)
	if !errors.Is(err, models.ErrNoKey) || !strings.Contains(err.Error(), "--key-file") {
		t.Fatalf("restore without the key file: %v", err)
	}
}
