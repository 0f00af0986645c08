package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// drive runs op from a fixed number of clients until d has passed (or, with
// d = 0, until every client's op says stop) and summarizes what happened.
func drive(ctx context.Context, e *env, name string, o op, clients int, d time.Duration) Result {
	recs := make([]*recorder, clients)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := range clients {
		recs[i] = &recorder{}
		cl := e.newClient(i + 1)
		wg.Add(1)
		go func(r *recorder) {
			defer wg.Done()
			defer cl.release()
			for ctx.Err() == nil && (d == 0 || time.Now().Before(deadline)) {
				t0 := time.Now()
				out := o(ctx, cl)
				if out.stop {
					return
				}
				r.add(time.Since(t0), out)
			}
		}(recs[i])
	}
	wg.Wait()
	return summarize(name, recs, time.Since(start))
}

// config is the load tool's settings.
type config struct {
	url, baseline, samples, workloads string
	clients, runs, pool               int
	duration, baselineDuration        time.Duration
	warmup                            time.Duration
	window, reviewer, password        string
	pid                               int
	serverLog                         string
}

// newEnv prepares what the workloads need: samples, items, tokens. The
// caller closes the env's connections when done.
func newEnv(ctx context.Context, cfg config, need map[string]bool) (*env, error) {
	urls := strings.Split(cfg.url, ",")
	for i := range urls {
		urls[i] = strings.TrimRight(strings.TrimSpace(urls[i]), "/")
	}
	e := &env{url: urls[0], urls: urls, baseline: cfg.baseline, clients: cfg.clients, answers: map[string]json.RawMessage{}, acceptBodies: map[string][]byte{},
		pool: make(chan pooled, cfg.pool), poolSize: cfg.pool, pdf: fakePDF(100 << 10)}
	e.seq.Store(time.Now().UnixNano() % 1_000_000_000)
	if err := e.setUp(ctx, cfg, need); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *env) setUp(ctx context.Context, cfg config, need map[string]bool) (err error) {
	if need["W1"] || need["W7"] {
		if e.samples, err = readSamples(cfg.samples); err != nil {
			return err
		}
	}
	if err := e.loadItems(ctx, need["W3"]); err != nil {
		return err
	}
	if need["W4"] || need["W7"] {
		if e.windowToken, err = e.login(ctx, cfg.window, cfg.password); err != nil {
			return err
		}
	}
	if need["W5"] {
		if e.reviewerToken, err = e.login(ctx, cfg.reviewer, cfg.password); err != nil {
			return err
		}
		// The back office's HTML list; its JSON twin where the page is missing.
		e.worklistPath = "/tasks"
		cl := e.newClient(0)
		if o := cl.get(ctx, e.url+"/tasks", e.reviewerToken, http.StatusOK); o.err != "" {
			e.worklistPath = "/api/v1/tasks"
		}
		cl.release()
	}
	return nil
}

// loadItems lists the on-application items that take applications now (a
// main item with sub-items, an incomplete guide or an unstaffed department
// takes none) and, for uploads, a material of each.
func (e *env) loadItems(ctx context.Context, materials bool) error {
	var list struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	if _, err := e.getJSON(ctx, "/api/v1/items?on_application=true&status=retained&page_size=100", "", &list); err != nil {
		return fmt.Errorf("items: %w", err)
	}
	examples := demoExamples()
	for _, it := range list.Items {
		var guide struct {
			Name      string `json:"name"`
			Open      *bool  `json:"open_for_application"`
			Materials []struct {
				Key string `json:"key"`
			} `json:"materials"`
		}
		if _, err := e.getJSON(ctx, "/api/v1/items/"+url.PathEscape(it.Code), "", &guide); err != nil {
			return fmt.Errorf("item %s: %w", it.Code, err)
		}
		if guide.Open != nil && !*guide.Open { // a server without the field takes every listed item
			continue
		}
		answers, ok := e.formAnswers(ctx, it.Code, guide.Name, examples)
		if !ok {
			continue
		}
		e.answers[it.Code] = answers
		e.items = append(e.items, it.Code)
		// Acceptance follows the materials: the clerk checks every one received.
		checklist := map[string]any{}
		for _, m := range guide.Materials {
			checklist[m.Key] = map[string]any{"provided": true, "kind": "original", "copies": 1}
		}
		body, err := json.Marshal(map[string]any{"version": 1, "comment": "材料齐全", "materials": checklist})
		if err != nil {
			return err
		}
		e.acceptBodies[it.Code] = body
		if materials && len(guide.Materials) > 0 && len(e.withMaterials) < 20 {
			e.withMaterials = append(e.withMaterials, itemMaterial{it.Code, guide.Materials[0].Key})
		}
	}
	if len(e.items) == 0 {
		return fmt.Errorf("items: the server lists no on-application item that takes applications")
	}
	if materials && len(e.withMaterials) == 0 {
		return fmt.Errorf("items: no on-application item lists a material")
	}
	return nil
}

// fakePDF is a well-formed-looking PDF of n bytes: the header the server
// sniffs, filler, and the trailer.
func fakePDF(n int) []byte {
	head, tail := []byte("%PDF-1.4\n1 0 obj<<>>endobj\n"), []byte("\ntrailer<<>>\n%%EOF\n")
	b := make([]byte, 0, n)
	b = append(b, head...)
	for len(b) < n-len(tail) {
		b = append(b, "% 扫描件 scan filler line for the load test\n"...)
	}
	return append(b[:min(len(b), n-len(tail))], tail...)
}
