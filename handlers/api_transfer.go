package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/search"
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
	filtered := false
	if q := c.Request.URL.Query(); q.Get("q") != "" || q.Get("department") != "" || q.Get("type") != "" || q.Get("status") != "" {
		iq, err := s.parseItemQuery(q)
		if err != nil {
			return err
		}
		codes, filtered = s.matchingCodes(iq.Query), true
	}
	var items []models.Item
	if !filtered || len(codes) > 0 { // a filter that matches nothing exports no item, not every one
		if items, err = s.store.ItemsForExport(c.Request.Context(), codes); err != nil {
			return err
		}
	}
	name := fmt.Sprintf("catalogue-%s.%s", time.Now().Format("20060102"), f)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	ctype := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if f == transfer.CSV {
		ctype = "text/csv; charset=utf-8"
	}
	c.Status(http.StatusOK)
	c.Header("Content-Type", ctype)
	lang := transfer.LangOf(s.requestLang(c.GetHeader("Accept-Language"), langOf(c)))
	return transfer.Export(c.Writer, f, items, transfer.Options{Lang: lang})
}

// matchingCodes pages through the search, which answers at most a page at a
// time, and returns the code of every match in its order.
func (s *Server) matchingCodes(q search.Query) []string {
	var codes []string
	q.Offset, q.Limit = 0, 100
	for {
		res := s.search.Search(q)
		for _, e := range res.Entries {
			codes = append(codes, e.Code)
		}
		q.Offset += len(res.Entries)
		if len(res.Entries) == 0 || q.Offset >= res.Total {
			return codes
		}
	}
}

type problemJSON struct {
	Sheet   string   `json:"sheet"`
	Row     int      `json:"row"`
	Column  string   `json:"column"`
	Message string   `json:"message"`
	Rule    string   `json:"rule"`
	Args    []string `json:"args"`
}

type newDepartmentJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type importResponse struct {
	DryRun             bool                `json:"dry_run"`
	Layout             string              `json:"layout"`
	Items              int                 `json:"items"`
	Changed            int                 `json:"changed"`
	Created            int                 `json:"created"`
	Updated            int                 `json:"updated"`
	Unchanged          int                 `json:"unchanged"`
	DepartmentsCreated []newDepartmentJSON `json:"departments_created"`
	Problems           []problemJSON       `json:"problems"`
	Warnings           []problemJSON       `json:"warnings"`
}

// importResponseOf renders an import's outcome in lang.
func (s *Server) importResponseOf(lang string, dryRun bool, o *importOutcome) importResponse {
	out := importResponse{DryRun: dryRun, Layout: "transfer", Items: o.Plan.Items, Changed: o.Plan.New + o.Plan.Changed,
		Created: o.Plan.New, Updated: o.Plan.Changed, Unchanged: o.Plan.Unchanged,
		DepartmentsCreated: []newDepartmentJSON{}, Problems: s.problemsJSON(lang, o.Problems), Warnings: s.problemsJSON(lang, o.Warnings)}
	if o.Listing {
		out.Layout = "listing"
	}
	for _, d := range o.Departments {
		out.DepartmentsCreated = append(out.DepartmentsCreated, newDepartmentJSON{Code: d.Code, Name: d.Name})
	}
	return out
}

func (s *Server) problemsJSON(lang string, ps []transfer.Problem) []problemJSON {
	out := make([]problemJSON, 0, len(ps))
	for _, p := range ps {
		args := p.Args
		if args == nil {
			args = []string{}
		}
		out = append(out, problemJSON{Sheet: p.Sheet, Row: p.Row, Column: p.Column, Message: s.problemMessage(lang, p), Rule: p.Rule, Args: args})
	}
	return out
}

// readImportUpload reads the multipart field file, refusing a file over the
// size limit before anything is parsed.
func (s *Server) readImportUpload(c *gin.Context, lang string) ([]byte, error) {
	if c.Request.ContentLength > maxImportBytes+64<<10 {
		return nil, s.tooLarge(lang)
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxImportBytes+64<<10)
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, s.tooLarge(lang)
		}
		return nil, invalid(map[string]string{"file": s.site.T(lang, "import.err.no_file")})
	}
	if fh.Size > maxImportBytes {
		return nil, s.tooLarge(lang)
	}
	file, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return io.ReadAll(io.LimitReader(file, maxImportBytes))
}

func (s *Server) tooLarge(lang string) error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: s.site.T(lang, "import.err.too_large", maxImportBytes>>20)}
}

// apiImport reads an uploaded catalogue file, in the multi-sheet layout or
// as a 实施清单 (told apart by its headers). Without confirm=true it is a dry
// run that lists every row-level problem and changes nothing.
func (s *Server) apiImport(c *gin.Context) error {
	if err := s.mayImport(c); err != nil {
		return err
	}
	lang := s.requestLang(c.GetHeader("Accept-Language"), langOf(c))
	f, err := parseFormat(c.Query("format"))
	if err != nil {
		return err
	}
	data, err := s.readImportUpload(c, lang)
	if err != nil {
		return err
	}
	dry := c.Query("confirm") != "true"
	o, err := s.runImport(c.Request.Context(), actorOf(c), importJob{data: data, format: f, confirm: !dry,
		reason: c.DefaultQuery("reason", "批量导入")})
	var bad errUnreadable
	if errors.As(err, &bad) {
		return invalid(map[string]string{"file": s.unreadableMessage(lang, f, bad, "import.err.unreadable")})
	}
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(o.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, s.importResponseOf(lang, dry, o))
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
