package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// BenchmarkCatalogueSearch runs Chinese queries against the demo catalogue
// through the whole API stack (routing, parsing, index, JSON): "kept" is a
// question asked before (the answer is kept until the catalogue changes),
// "computed" searches the index and encodes the answer every time.
func BenchmarkCatalogueSearch(b *testing.B) {
	queries := []string{"食品", "建设工程", "营业执照", "户口", "许可", "食", "殡葬服务"}
	h := shared.srv.Handler()
	for _, mode := range []string{"kept", "computed"} {
		for _, q := range queries {
			b.Run(mode+"/"+q, func(b *testing.B) {
				path := "/api/v1/items?q=" + url.QueryEscape(q)
				for b.Loop() {
					if mode == "computed" {
						shared.srv.ForgetAnswers()
					}
					w := httptest.NewRecorder()
					h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
					if w.Code != 200 {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
		}
	}
}
