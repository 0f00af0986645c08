package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models/transfer"
	"onewindow/policies"
)

// maxImportBytes bounds an uploaded catalogue file.
const maxImportBytes = 32 << 20

func parseFormat(v string) (transfer.Format, error) {
	switch v {
	case "", "xlsx":
		return transfer.XLSX, nil
	case "csv":
		return transfer.CSV, nil
	}
	return "", invalid(map[string]string{"format": "must be xlsx or csv"})
}

// apiExport downloads the catalogue (all items, or those of the current
// filter when any filter is given) as XLSX or CSV; the import / export page
// downloads through it too.
func (s *Server) apiExport(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjItem, policies.ActExport); err != nil {
		return err
	}
	f, err := parseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	var codes []string
	if q := c.Request.URL.Query(); q.Get("q") != "" || q.Get("department") != "" || q.Get("type") != "" || q.Get("status") != "" {
		iq, err := s.parseItemQuery(q)
		if err != nil {
			return err
		}
		iq.Offset, iq.Limit = 0, 1<<30
		for _, e := range s.search.Search(iq.Query).Entries {
			codes = append(codes, e.Code)
		}
	}
	items, err := s.store.ItemsForExport(c.Request.Context(), codes)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("catalogue-%s.%s", time.Now().Format("20060102"), f)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	ctype := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if f == transfer.CSV {
		ctype = "text/csv; charset=utf-8"
	}
	c.Status(http.StatusOK)
	c.Header("Content-Type", ctype)
	return transfer.Export(c.Writer, f, items)
}

type problemJSON struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

type importResponse struct {
	DryRun   bool          `json:"dry_run"`
	Items    int           `json:"items"`
	Changed  int           `json:"changed"`
	Problems []problemJSON `json:"problems"`
}

// apiImport reads an uploaded catalogue file. Without confirm=true it is a
// dry run that lists every row-level problem and changes nothing.
func (s *Server) apiImport(c *gin.Context) error {
	if err := s.mayImport(c); err != nil {
		return err
	}
	f, err := parseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxImportBytes)
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "the file is larger than 32 MB"}
		}
		return invalid(map[string]string{"file": "attach the catalogue file as multipart field file"})
	}
	file, err := fh.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	items, problems, err := transfer.Parse(file, f, s.catalogueKnown())
	if err != nil {
		return invalid(map[string]string{"file": "not a readable " + string(f) + " catalogue: " + err.Error()})
	}
	out := importResponse{DryRun: c.Query("confirm") != "true", Items: len(items), Problems: []problemJSON{}}
	for _, p := range problems {
		out.Problems = append(out.Problems, problemJSON{Sheet: p.Sheet, Row: p.Row, Column: p.Column, Message: p.Message})
	}
	if len(problems) > 0 {
		c.JSON(http.StatusUnprocessableEntity, out)
		return nil
	}
	ctx := c.Request.Context()
	if out.DryRun {
		out.Changed, err = s.actions().CheckImport(ctx, actorOf(c), items)
	} else {
		reason := c.DefaultQuery("reason", "批量导入")
		out.Changed, err = s.actions().ApplyImport(ctx, actorOf(c), items, reason)
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// mayImport asks the action service, before the file is read, whether the
// caller may import catalogue files; the writes ask again.
func (s *Server) mayImport(c *gin.Context) error {
	if err := s.actions().MayImport(c.Request.Context(), actorOf(c)); err != nil {
		return err
	}
	c.Set(ctxAuthorized, true)
	return nil
}
