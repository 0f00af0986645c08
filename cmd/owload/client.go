package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// env is what every client shares: addresses, the HTTP client, the data the
// workloads draw from and the staff tokens.
type env struct {
	url, baseline string
	http          *http.Client
	clients       int
	samples       []sample
	items         []string       // on-application item codes
	withMaterials []itemMaterial // items with a listed material, for uploads
	pdf           []byte
	windowToken   string
	reviewerToken string
	worklistPath  string // /tasks, or /api/v1/tasks where the page is missing
	pool          chan string
	poolSize      int
	poolDry       atomic.Bool  // a client found the pool empty
	seq           atomic.Int64 // identity numbers drawn
}

type sample struct{ number, code string }

type itemMaterial struct{ code, material string }

// client is one simulated user: its own random source, the shared env.
type client struct {
	env *env
	rnd *rand.Rand
}

// outcome is how an operation ended: err is empty on success; stop ends the
// client's loop without counting the operation.
type outcome struct {
	err    string
	locked bool
	stop   bool
}

func newHTTPClient(clients int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: time.Minute,
		DisableCompression: true}}
}

func (cl *client) get(ctx context.Context, url, token string, want int) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return outcome{err: err.Error()}
	}
	o, _ := cl.do(req, token, want)
	return o
}

func (cl *client) post(ctx context.Context, url, token, contentType string, body []byte, want int) (outcome, []byte) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return outcome{err: err.Error()}, nil
	}
	req.Header.Set("Content-Type", contentType)
	return cl.do(req, token, want)
}

// do sends a request, reads the whole answer (so the connection is reused)
// and checks the status; an answer naming "database is locked" is counted.
func (cl *client) do(req *http.Request, token string, want int) (outcome, []byte) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := cl.env.http.Do(req)
	if err != nil {
		return outcome{err: err.Error()}, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	o := outcome{locked: bytes.Contains(body, []byte("database is locked"))}
	switch {
	case err != nil:
		o.err = err.Error()
	case resp.StatusCode != want:
		o.err = fmt.Sprintf("%s %s: %d %.200s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return o, body
}

// readSamples reads number,code[,state,department] rows written by seed-load.
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
	cl := &client{env: e, rnd: newRand(0)}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.url+path, nil)
	if err != nil {
		return 0, err
	}
	o, body := cl.do(req, token, http.StatusOK)
	if o.err != "" {
		return 0, fmt.Errorf("%s", o.err)
	}
	return http.StatusOK, json.Unmarshal(body, into)
}

// login returns a bearer token for a staff account.
func (e *env) login(ctx context.Context, user, password string) (string, error) {
	cl := &client{env: e, rnd: newRand(0)}
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
