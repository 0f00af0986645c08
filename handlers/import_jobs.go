package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"onewindow/models/transfer"
)

// Imports started on the page run in the background, so that a large file
// shows a progress bar instead of a request that hangs for half a minute.
// Jobs live in this process only: a restart loses them, and their page then
// says so. Each job is bound to the session that started it.

const (
	maxImportJobs  = 2                // jobs running at once
	importJobKeep  = 10 * time.Minute // a finished job stays readable this long
	maxImportKept  = 64               // jobs remembered at most, running or finished
	importJobLimit = 15 * time.Minute // a job is cancelled after this long
)

// importTask is one check or confirm of an uploaded file.
type importTask struct {
	id      string
	session string // importSessionKey of the session that started it
	user    string
	confirm bool   // writes, rather than checks
	token   string // the kept upload
	name    string // the file name as uploaded, shown only
	reason  string
	format  transfer.Format

	mu          sync.Mutex
	stage       string // "read", models.StageCheck or models.StageWrite
	done, total int
	finished    bool
	ended       time.Time
	outcome     *importOutcome
	err         error
}

// importTaskState is a snapshot of a task's progress.
type importTaskState struct {
	Stage       string
	Done, Total int
	Finished    bool
	Outcome     *importOutcome
	Err         error
}

func (t *importTask) report(stage string, done, total int) {
	t.mu.Lock()
	t.stage, t.done, t.total = stage, done, total
	t.mu.Unlock()
}

func (t *importTask) state() importTaskState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return importTaskState{Stage: t.stage, Done: t.done, Total: t.total, Finished: t.finished, Outcome: t.outcome, Err: t.err}
}

// importJobs is the set of a server's import jobs.
type importJobs struct {
	mu      sync.Mutex
	tasks   map[string]*importTask
	running int
}

func newImportJobs() *importJobs { return &importJobs{tasks: map[string]*importTask{}} }

// start runs fn for t in the background under a new random id; false when
// maxImportJobs are running already.
func (j *importJobs) start(t *importTask, fn func(progress func(stage string, done, total int)) (*importOutcome, error)) (bool, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return false, err
	}
	t.id, t.stage = hex.EncodeToString(b[:]), "read"
	j.mu.Lock()
	j.prune(time.Now())
	if j.running >= maxImportJobs || len(j.tasks) >= maxImportKept {
		j.mu.Unlock()
		return false, nil
	}
	j.running++
	j.tasks[t.id] = t
	j.mu.Unlock()
	go func() {
		var o *importOutcome
		var err error
		defer func() {
			if v := recover(); v != nil {
				o, err = nil, fmt.Errorf("handlers: import job: %v", v)
			}
			t.mu.Lock()
			t.finished, t.ended, t.outcome, t.err = true, time.Now(), o, err
			t.mu.Unlock()
			j.mu.Lock()
			j.running--
			j.mu.Unlock()
		}()
		o, err = fn(t.report)
	}()
	return true, nil
}

// get returns the job id of the session, or nil: an unknown, expired and
// another session's job are alike.
func (j *importJobs) get(id, session string) *importTask {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.prune(time.Now())
	t := j.tasks[id]
	if t == nil || t.session != session {
		return nil
	}
	return t
}

// prune forgets jobs that ended more than importJobKeep ago.
func (j *importJobs) prune(now time.Time) {
	for id, t := range j.tasks {
		t.mu.Lock()
		old := t.finished && now.Sub(t.ended) > importJobKeep
		t.mu.Unlock()
		if old {
			delete(j.tasks, id)
		}
	}
}
