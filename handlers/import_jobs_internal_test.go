package handlers

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestImportJobsAreBoundedAndBoundToTheirSession checks the job set: at most
// maxImportJobs run at once, a job is read only with its session, a panic
// becomes the job's error, and a finished job is forgotten after importJobKeep.
func TestImportJobsAreBoundedAndBoundToTheirSession(t *testing.T) {
	t.Parallel()
	j := newImportJobs()
	release := make(chan struct{})
	var running []*importTask
	for i := range maxImportJobs {
		tk := &importTask{session: "s1"}
		ok, err := j.start(tk, func(progress func(string, int, int)) (*importOutcome, error) {
			progress("read", i, 10)
			<-release
			return &importOutcome{Rows: 10}, nil
		})
		if !ok || err != nil {
			t.Fatalf("job %d not started: %v", i, err)
		}
		running = append(running, tk)
	}
	if ok, _ := j.start(&importTask{session: "s1"}, nil); ok {
		t.Fatal("a job beyond the limit was started")
	}
	if j.get(running[0].id, "s2") != nil || j.get(running[0].id, "s1") != running[0] || j.get("nope", "s1") != nil {
		t.Error("a job is read by its session only")
	}
	close(release)
	waitFinished(t, running...)
	if st := running[0].state(); st.Err != nil || st.Outcome.Rows != 10 {
		t.Errorf("finished job: %+v", st)
	}
	broken := &importTask{session: "s1"}
	if ok, _ := j.start(broken, func(func(string, int, int)) (*importOutcome, error) { panic("bad file") }); !ok {
		t.Fatal("a job was refused after the others ended")
	}
	waitFinished(t, broken)
	if st := broken.state(); st.Err == nil || !strings.Contains(st.Err.Error(), "bad file") {
		t.Errorf("a panicking job ended with %v", st.Err)
	}
	failed := &importTask{session: "s1"}
	j.start(failed, func(func(string, int, int)) (*importOutcome, error) { return nil, errors.New("disk full") })
	waitFinished(t, failed)
	failed.mu.Lock()
	failed.ended = time.Now().Add(-importJobKeep - time.Second)
	failed.mu.Unlock()
	if j.get(failed.id, "s1") != nil || j.get(broken.id, "s1") != broken {
		t.Error("a finished job is kept for importJobKeep, then forgotten")
	}
}

func waitFinished(t *testing.T, tasks ...*importTask) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, tk := range tasks {
		for !tk.state().Finished {
			if time.Now().After(deadline) {
				t.Fatal("job did not finish")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}
