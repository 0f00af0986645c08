package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer serves h and counts the connections it accepts.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	var conns atomic.Int64
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, &conns
}

func newTestClient(t *testing.T) *httpClient {
	h := &httpClient{}
	t.Cleanup(h.close)
	return h
}

// mustDo sends a request that must succeed with want and returns a copy of the body.
func mustDo(t *testing.T, h *httpClient, method, url, body string, want int) string {
	t.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	status, resp, err := h.do(context.Background(), method, url, "tok", "text/plain", b)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if status != want {
		t.Fatalf("%s %s: status %d, want %d (%q)", method, url, status, want, resp)
	}
	return string(resp)
}

func TestLeanClientReadsAContentLengthBody(t *testing.T) {
	t.Parallel()
	ts, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "11")
		io.WriteString(w, "hello world")
	})
	h := newTestClient(t)
	if got := mustDo(t, h, "GET", ts.URL+"/x?a=1", "", 200); got != "hello world" {
		t.Errorf("body %q", got)
	}
}

func TestLeanClientReadsAChunkedBodyWithTrailers(t *testing.T) {
	t.Parallel()
	var want strings.Builder
	for i := range 9 {
		fmt.Fprintf(&want, "%d:%s|", i, strings.Repeat("抽", 200+i))
	}
	ts, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		for part := range strings.SplitAfterSeq(want.String(), "|") {
			io.WriteString(w, part)
			w.(http.Flusher).Flush()
		}
		w.Header().Set("X-Sum", "done")
	})
	if want.Len() <= 4096 {
		t.Fatalf("the body is only %d bytes", want.Len())
	}
	h := newTestClient(t)
	for range 3 {
		if got := mustDo(t, h, "GET", ts.URL+"/chunks", "", 200); got != want.String() {
			t.Fatalf("body of %d bytes, want %d", len(got), want.Len())
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 3 requests after chunked answers, want 1", n)
	}
}

func TestLeanClientReusesOneConnection(t *testing.T) {
	t.Parallel()
	ts, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %d", r.Method, r.URL.RequestURI(), len(body))
	})
	h := newTestClient(t)
	for i := range 100 {
		method, body := "GET", ""
		if i%3 == 0 {
			method, body = "POST", strings.Repeat("b", i)
		}
		want := fmt.Sprintf("%s /r?i=%d %d", method, i, len(body))
		if got := mustDo(t, h, method, fmt.Sprintf("%s/r?i=%d", ts.URL, i), body, 200); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 100 requests, want 1", n)
	}
}

func TestLeanClientRedialsAfterConnectionClose(t *testing.T) {
	t.Parallel()
	ts, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	h := newTestClient(t)
	for range 3 {
		if got := mustDo(t, h, "GET", ts.URL+"/", "", 200); got != "bye" {
			t.Fatalf("body %q", got)
		}
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections for 3 answers with Connection: close, want 3", n)
	}
	if len(h.conns) != 0 {
		t.Errorf("the client kept %d closed connections", len(h.conns))
	}
}

func TestLeanClientReportsA404WithItsBody(t *testing.T) {
	t.Parallel()
	ts, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/here" {
			http.Error(w, "no such page: database is locked", http.StatusNotFound)
			return
		}
		io.WriteString(w, "ok")
	})
	cl := &client{env: &env{}, http: newTestClient(t)}
	o := cl.get(context.Background(), ts.URL+"/gone?x=1", "", http.StatusOK)
	if want := "GET /gone: 404 no such page: database is locked\n"; o.err != want || !o.locked {
		t.Errorf("outcome %+v, want err %q and locked", o, want)
	}
	if o := cl.get(context.Background(), ts.URL+"/here", "", http.StatusOK); o.err != "" || o.locked {
		t.Errorf("after the 404: %+v", o)
	}
}

func TestLeanClientPostsABody(t *testing.T) {
	t.Parallel()
	ts, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || r.Method != "POST" || r.ContentLength != int64(len(body)) ||
			r.Header.Get("Content-Type") != "text/plain" || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, fmt.Sprintf("bad request %s %d %q %v", r.Method, r.ContentLength, r.Header, err), 400)
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	})
	h := newTestClient(t)
	small, large := `{"name":"张三"}`, strings.Repeat("0123456789abcdef", 100<<10/16) // large: over inlineBody
	for _, body := range []string{small, large, small} {
		if got := mustDo(t, h, "POST", ts.URL+"/echo", body, http.StatusCreated); got != body {
			t.Fatalf("echoed %d bytes, want %d", len(got), len(body))
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

func TestLeanClientRedialsWhenTheServerClosedAnIdleConnection(t *testing.T) {
	t.Parallel()
	ts, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "fine")
	})
	h := newTestClient(t)
	mustDo(t, h, "GET", ts.URL+"/", "", 200)
	for i, method := range []string{"GET", "POST"} {
		ts.CloseClientConnections()
		time.Sleep(20 * time.Millisecond) // let the close reach the client
		if got := mustDo(t, h, method, ts.URL+"/", "x", 200); got != "fine" {
			t.Fatalf("%s after the server closed: %q", method, got)
		}
		if n := conns.Load(); n != int64(i+2) {
			t.Errorf("%d connections after %d closes, want %d", n, i+1, i+2)
		}
	}
}

func TestLeanClientGivesUpWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	ts, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	h := newTestClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, _, err := h.do(ctx, "GET", ts.URL+"/slow", "", "", nil); err == nil {
		t.Fatal("a request outlived its context")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v", d)
	}
}

// TestLeanClientReadsRawAnswers covers answers net/http's server does not
// write: interim 1xx, bodies up to the close, HTTP/1.0, odd header case.
func TestLeanClientReadsRawAnswers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, answer, body string }{
		{"to EOF", "HTTP/1.1 200 OK\r\n\r\nup to the close", "up to the close"},
		{"HTTP/1.0", "HTTP/1.0 200 OK\r\ncontent-length: 3\r\n\r\nabc", "abc"},
		{"interim", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nCONTENT-LENGTH: 2\r\nconnection: Close\r\n\r\nok", "ok"},
		{"chunk extension", "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\nConnection: close\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: v\r\n\r\n", "abc0123456789"},
	} {
		addr := rawServer(t, c.answer)
		h := newTestClient(t)
		if got := mustDo(t, h, "GET", "http://"+addr+"/", "", 200); got != c.body {
			t.Errorf("%s: body %q, want %q", c.name, got, c.body)
		}
		if len(h.conns) != 0 {
			t.Errorf("%s: the client kept a connection the server closes", c.name)
		}
	}
}

// rawServer answers one connection's request with answer, then closes it.
func rawServer(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var req []byte
		buf := make([]byte, 1024)
		for !bytes.Contains(req, []byte("\r\n\r\n")) {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			req = append(req, buf[:n]...)
		}
		io.WriteString(c, answer)
	}()
	return ln.Addr().String()
}

// BenchmarkLeanClientGet measures the client's own cost of a small GET on a
// kept-alive connection; the server's cost is in the figure too.
func BenchmarkLeanClientGet(b *testing.B) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ok":true}`)
	}))
	defer ts.Close()
	h := &httpClient{}
	defer h.close()
	url := ts.URL + "/api/v1/status/X?code=Y"
	b.ReportAllocs()
	for b.Loop() {
		if status, _, err := h.do(context.Background(), "GET", url, "", "", nil); err != nil || status != 200 {
			b.Fatal(status, err)
		}
	}
}
