package baseline

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// Handler serves the load tool's same-run ceilings (cmd/owbaseline):
//
//	GET  /baseline/bare                         a bare gin handler, a small JSON
//	GET  /baseline/sql/status?number=&code=     the status lookup's three prepared statements, raw
//	POST /baseline/sql/file {"id_number","name"} a filing's eight statements, one durable commit each
//
// They have gin.New() without the middleware of the main router: the
// difference between a workload and its baseline is what the application
// adds over gin and SQL.
func Handler(b *Baseline, now func() time.Time) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/baseline/bare", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	r.GET("/baseline/sql/status", func(c *gin.Context) {
		app, err := b.Status(c.Request.Context(), c.Query("number"), c.Query("code"))
		switch {
		case errors.Is(err, models.ErrNotFound):
			c.JSON(http.StatusNotFound, gin.H{"error": gin.H{"code": "not_found", "message": "application not found"}})
		case err != nil:
			c.JSON(http.StatusInternalServerError, gin.H{"error": gin.H{"code": "internal", "message": err.Error()}})
		default:
			c.JSON(http.StatusOK, gin.H{"number": app.Number, "state": app.State, "deadline": app.PromisedDeadline,
				"events": len(app.Events), "materials": len(app.Materials)})
		}
	})
	r.POST("/baseline/sql/file", func(c *gin.Context) {
		var in struct {
			IDNumber string `json:"id_number"`
			Name     string `json:"name"`
		}
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<16))
		if err != nil || json.Unmarshal(body, &in) != nil || in.IDNumber == "" {
			c.JSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "bad_request", "message": "id_number and name expected"}})
			return
		}
		number, err := b.File(c.Request.Context(), in.IDNumber, in.Name, now().UTC())
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": gin.H{"code": "internal", "message": err.Error()}})
			return
		}
		c.JSON(http.StatusCreated, gin.H{"number": number, "state": "submitted"})
	})
	return r
}
