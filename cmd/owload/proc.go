package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSampler reads the server's resident size from /proc while a run goes.
type rssSampler struct {
	pid  int
	stop chan struct{}
	done sync.WaitGroup
	max  int64
}

// startRSS samples /proc/<pid>/status every 200 ms; a pid of 0 samples nothing.
func startRSS(pid int) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{})}
	if pid <= 0 {
		return s
	}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if v, err := procStatus(s.pid, "VmRSS"); err == nil {
				s.max = max(s.max, v)
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the largest resident size seen, in KiB.
func (s *rssSampler) Stop() int64 {
	close(s.stop)
	s.done.Wait()
	return s.max
}

// procStatus reads one "Name:  123 kB" field of /proc/<pid>/status.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}

// logWatch counts "database is locked" in the server's log written since
// the last look: error answers say only "internal error", the log says why.
type logWatch struct {
	path   string
	offset int64
}

func newLogWatch(path string) *logWatch {
	w := &logWatch{path: path}
	if path != "" {
		if fi, err := os.Stat(path); err == nil {
			w.offset = fi.Size()
		}
	}
	return w
}

// Locked returns the lines naming a locked database since the last call.
func (w *logWatch) Locked() (int, error) {
	if w.path == "" {
		return 0, nil
	}
	f, err := os.Open(w.path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := f.Seek(w.offset, io.SeekStart); err != nil {
		return 0, err
	}
	n := 0
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := r.ReadSlice('\n')
		w.offset += int64(len(line))
		if bytes.Contains(line, []byte("database is locked")) {
			n++
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return n, err
		}
	}
}
