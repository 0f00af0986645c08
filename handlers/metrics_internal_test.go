package handlers

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// BenchmarkRequestMetrics measures what the metrics middleware adds to a request: the
// same one-route engine without and with it (see BENCHMARKS.md for the figures).
func BenchmarkRequestMetrics(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	for _, observed := range []bool{false, true} {
		name := "bare"
		r := gin.New()
		if observed {
			name = "observed"
			r.Use(newMetrics(&Server{log: slog.New(slog.DiscardHandler)}, "").observe())
		}
		r.GET("/api/v1/items/:code", func(c *gin.Context) { c.Status(http.StatusNoContent) })
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/items/11150902000000000001", nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				r.ServeHTTP(w, req)
			}
		})
	}
}
