package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
)

// env is what every client shares: addresses, the data the workloads draw
// from, the staff tokens and the connections of finished clients.
type env struct {
	url, baseline string
	urls          []string // -url's instances; url is the first
	clients       int
	samples       []sample
	items         []string                   // on-application item codes
	answers       map[string]json.RawMessage // item code → answers its application form accepts
	acceptBodies  map[string][]byte          // item code → an acceptance with every material received
	withMaterials []itemMaterial             // items with a listed material, for uploads
	pdf           []byte
	windowToken   string
	reviewerToken string
	worklistPath  string // /tasks, or /api/v1/tasks where the page is missing
	pool          chan pooled
	poolSize      int
	poolDry       atomic.Bool  // a client found the pool empty
	seq           atomic.Int64 // identity numbers drawn
	spareMu       sync.Mutex
	spare         []*httpClient // released clients' connections
}

type sample struct{ number, code string }

type itemMaterial struct{ code, material string }

// pooled is a submitted application waiting for acceptance, with its item.
type pooled struct{ number, code string }

// client is one simulated user: its own random source and connections, the
// shared env. One goroutine uses it at a time.
type client struct {
	env  *env
	rnd  *rand.Rand
	http *httpClient
	base string // the server this client talks to (-url names one or several)
}

// outcome is how an operation ended: err is empty on success; stop ends the
// client's loop without counting the operation.
type outcome struct {
	err    string
	locked bool
	stop   bool
}

// newClient returns a simulated client, on the connections of one that has
// finished if there is one: a run then starts on connections its warm-up
// opened, as it would have on net/http's idle pool.
func (e *env) newClient(seed int) *client {
	e.spareMu.Lock()
	defer e.spareMu.Unlock()
	cl := &client{env: e, rnd: newRand(seed), http: &httpClient{}, base: e.url}
	if len(e.urls) > 0 {
		cl.base = e.urls[seed%len(e.urls)]
	}
	if n := len(e.spare); n > 0 {
		cl.http, e.spare = e.spare[n-1], e.spare[:n-1]
	}
	return cl
}

// release hands the client's connections on to a later client.
func (cl *client) release() {
	cl.env.spareMu.Lock()
	defer cl.env.spareMu.Unlock()
	cl.env.spare = append(cl.env.spare, cl.http)
	cl.http = nil
}

// close closes the connections of every released client.
func (e *env) close() {
	e.spareMu.Lock()
	defer e.spareMu.Unlock()
	for _, h := range e.spare {
		h.close()
	}
	e.spare = nil
}

func (cl *client) get(ctx context.Context, url, token string, want int) outcome {
	o, _ := cl.do(ctx, "GET", url, token, "", nil, want)
	return o
}

// post sends body; the answer returned is valid until the client's next
// request.
func (cl *client) post(ctx context.Context, url, token, contentType string, body []byte, want int) (outcome, []byte) {
	return cl.do(ctx, "POST", url, token, contentType, body, want)
}

var lockedText = []byte("database is locked")

// do sends a request, reads the whole answer and checks the status; an
// answer naming "database is locked" is counted. The answer returned is the
// client's buffer, valid until its next request.
func (cl *client) do(ctx context.Context, method, url, token, contentType string, body []byte, want int) (outcome, []byte) {
	status, resp, err := cl.http.do(ctx, method, url, token, contentType, body)
	if err != nil {
		return outcome{err: fmt.Sprintf("%s %s: %v", method, url, err)}, nil
	}
	o := outcome{locked: bytes.Contains(resp, lockedText)}
	if status != want {
		o.err = fmt.Sprintf("%s %s: %d %.200s", method, urlPath(url), status, resp)
		if status == http.StatusTooManyRequests && bytes.Contains(resp, filingCapText) {
			o.err += " (the server caps online filings per client address: serve with --filings-per-hour 0 for a load run)"
		}
	}
	return o, resp
}

// filingCapText is the error code of a filing refused by the server's cap on filings per
// client address, which every client of this tool shares (they all come from one address).
var filingCapText = []byte(`"too_many_filings"`)

// urlPath is the path of an http:// URL, without host and query.
func urlPath(url string) string {
	_, target, err := splitURL(url)
	if err != nil {
		return url
	}
	path, _, _ := strings.Cut(target, "?")
	return path
}

// readSamples reads number,code[,state,department] rows written by owload seed.
func readSamples(path string) ([]sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	var out []sample
	for _, row := range rows {
		if len(row) < 2 || row[0] == "number" {
			continue
		}
		out = append(out, sample{number: row[0], code: row[1]})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("samples: %s holds no applications", path)
	}
	return out, nil
}

// getJSON reads a JSON answer during set-up.
func (e *env) getJSON(ctx context.Context, path, token string, into any) (int, error) {
	cl := e.newClient(0)
	defer cl.release()
	o, body := cl.do(ctx, "GET", e.url+path, token, "", nil, http.StatusOK)
	if o.err != "" {
		return 0, fmt.Errorf("%s", o.err)
	}
	return http.StatusOK, json.Unmarshal(body, into)
}

// login returns a bearer token for a staff account.
func (e *env) login(ctx context.Context, user, password string) (string, error) {
	cl := e.newClient(0)
	defer cl.release()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	o, resp := cl.post(ctx, e.url+"/api/v1/login", "", "application/json", body, http.StatusOK)
	if o.err != "" {
		return "", fmt.Errorf("login %s: %s", user, o.err)
	}
	var t struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(resp, &t); err != nil || t.Token == "" {
		return "", fmt.Errorf("login %s: no token", user)
	}
	return t.Token, nil
}
