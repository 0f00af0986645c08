package handlers

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/transfer"
	"onewindow/policies"
)

// The import / export page. An upload is checked (the dry run) and kept in
// the data folder's tmp/imports under a random token, with a note binding it
// to the session that uploaded it; confirming names only the token, so no
// file name a user chose ever reaches the file system. Uploads expire after
// an hour.

const importUploadTTL = time.Hour

// Lists longer than this are cut short on the page (the counts stay exact).
const maxImportRowsShown = 500

var importTokenPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// importUploadNote is kept next to an upload.
type importUploadNote struct {
	Session string          `json:"session"` // SHA-256 of the session id
	User    string          `json:"user"`
	Format  transfer.Format `json:"format"`
	Name    string          `json:"name"` // as uploaded, shown only
	At      time.Time       `json:"at"`
}

// transferPage is the data of the import / export page.
type transferPage struct {
	CanImport   bool
	Departments []itemChoice
	Types       []itemChoice
	Statuses    []string
	Formats     []string

	Checked   bool // a dry run was made
	FileName  string
	Token     string
	Reason    string
	Error     string
	RowsRead  int
	Plan      *models.ImportPlan
	Problems  []transfer.Problem
	NProblems int
	Changes   []importChangeView
	More      int // changes not listed

	Applied *models.ImportPlan // counts after a confirmed import (from the redirect)

	Listing        bool                // the file is a 实施清单
	NewDepartments []models.Department // departments a 实施清单 creates
	Warnings       []string            // ignored columns
	AppliedDepts   int                 // departments created by a confirmed import

	Job     *importJobView // a background import still running
	JobID   string         // the finished check whose result the page shows
	Expired bool           // the job asked for is unknown or gone
}

type importChangeView struct {
	Code, Name string
	New        bool
	Fields     string
}

func (s *Server) importDir() string {
	return filepath.Join(filepath.Dir(s.store.Path()), "tmp", "imports")
}

func (s *Server) newTransferPage(c *gin.Context) transferPage {
	lang := langOf(c)
	ref := s.ref.Load()
	p := transferPage{CanImport: s.can(c, policies.AllDomains, policies.ObjItem, policies.ActImport),
		Statuses: []string{"retained", "reduced", "all"}, Formats: []string{"xlsx", "csv"}}
	for _, d := range ref.depts {
		p.Departments = append(p.Departments, itemChoice{Value: d.Code, Label: d.Name})
	}
	for _, t := range ref.types {
		p.Types = append(p.Types, itemChoice{Value: t.Code, Label: t.Code + " " + s.site.TOr(lang, "enum.type."+t.Code, t.Name)})
	}
	return p
}

func (s *Server) renderTransfer(c *gin.Context, status int, p transferPage) {
	s.render(c, status, "catalogue_transfer", s.site.T(langOf(c), "catalogue.transfer.title"), "staff", p)
}

func (s *Server) uiTransfer(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjItem, policies.ActExport); err != nil {
		return err
	}
	p := s.newTransferPage(c)
	if c.Query("applied") == "1" {
		p.Applied = &models.ImportPlan{}
		p.Applied.New, _ = strconv.Atoi(c.Query("new"))
		p.Applied.Changed, _ = strconv.Atoi(c.Query("changed"))
		p.Applied.Unchanged, _ = strconv.Atoi(c.Query("unchanged"))
		p.AppliedDepts, _ = strconv.Atoi(c.Query("departments"))
	}
	s.renderTransfer(c, http.StatusOK, p)
	return nil
}

// formatOf tells a workbook (a zip file) from CSV text by its first bytes.
func importFormatOf(head []byte) transfer.Format {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return transfer.XLSX
	}
	return transfer.CSV
}

// uiTransferCheck keeps the uploaded file and shows what importing it would do.
func (s *Server) uiTransferCheck(c *gin.Context) error {
	if err := s.mayImport(c); err != nil {
		return err
	}
	lang := langOf(c)
	p := s.newTransferPage(c)
	fh, err := c.FormFile("file")
	if err != nil {
		p.Error = s.site.T(lang, "catalogue.transfer.no_file")
		s.renderTransfer(c, http.StatusUnprocessableEntity, p)
		return nil
	}
	if fh.Size > maxImportBytes {
		p.Error = s.site.T(lang, "catalogue.transfer.too_large", maxImportBytes>>20)
		s.renderTransfer(c, http.StatusRequestEntityTooLarge, p)
		return nil
	}
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	data, err := io.ReadAll(io.LimitReader(src, maxImportBytes+1))
	if err != nil {
		return err
	}
	f := importFormatOf(data)
	token, err := s.keepImportFile(c, data, importUploadNote{Format: f, Name: fh.Filename})
	if err != nil {
		return err
	}
	return s.startImportJob(c, &importTask{token: token, name: fh.Filename}, importJob{data: data, format: f})
}

// checkImportFile checks a file in either layout and puts what importing it
// would do onto p; false when the file cannot be imported as it is.
func (s *Server) checkImportFile(c *gin.Context, p *transferPage, data []byte, f transfer.Format) (bool, error) {
	_, ok, err := s.importOnPage(c, p, importJob{data: data, format: f})
	return ok, err
}

// importOnPage runs an import (a check unless job.confirm) and shows its
// outcome on p. A file that cannot be read is shown on p; other errors are
// returned.
func (s *Server) importOnPage(c *gin.Context, p *transferPage, job importJob) (*importOutcome, bool, error) {
	o, err := s.runImport(c.Request.Context(), actorOf(c), job)
	ok, err := s.outcomeOnPage(langOf(c), p, o, err, job.format)
	return o, ok, err
}

// outcomeOnPage shows what an import found on p: counts, the departments a
// list creates and every problem in the page's language, by row and column;
// false when the file cannot be imported as it is.
func (s *Server) outcomeOnPage(lang string, p *transferPage, o *importOutcome, err error, f transfer.Format) (bool, error) {
	p.Checked, p.Plan = true, &models.ImportPlan{}
	var bad errUnreadable
	switch {
	case errors.As(err, &bad):
		// The file could not be read at all: no counts, which would read as
		// "nothing to change" under the error.
		p.Checked = false
		p.Error = s.unreadableMessage(lang, f, bad, "catalogue.transfer.unreadable")
		return false, nil
	case err != nil:
		return false, err
	}
	tl := transfer.LangOf(lang)
	p.Plan, p.RowsRead, p.Listing, p.NewDepartments = &o.Plan, o.Rows, o.Listing, o.Departments
	for _, w := range o.Warnings {
		p.Warnings = append(p.Warnings, s.problemLine(lang, transfer.Localize(w, tl)))
	}
	p.NProblems = len(o.Problems)
	for _, pr := range o.Problems[:min(len(o.Problems), maxImportRowsShown)] {
		pr = transfer.Localize(pr, tl)
		pr.Message = s.problemLine(lang, pr)
		p.Problems = append(p.Problems, pr)
	}
	for i, ch := range o.Plan.Changes {
		if i == maxImportRowsShown {
			p.More = len(o.Plan.Changes) - i
			break
		}
		v := importChangeView{Code: ch.Code, Name: ch.Name, New: ch.New}
		var fields []string
		for _, fc := range ch.Changes {
			fields = append(fields, fc.Field)
		}
		v.Fields = strings.Join(fields, ", ")
		p.Changes = append(p.Changes, v)
	}
	return len(o.Problems) == 0, nil
}

// problemLine is a problem as the page says it: "第 12 行「承诺办结时限」：……".
func (s *Server) problemLine(lang string, p transfer.Problem) string {
	msg := s.problemMessage(lang, p)
	if p.Row > 0 {
		return s.site.T(lang, "import.at_row", p.Row, p.Column, msg)
	}
	if p.Column != "" {
		return s.site.T(lang, "import.at_file", p.Column, msg)
	}
	return msg
}

// keepUpload stores the file under a new random token, bound to the session.
func (s *Server) keepImportFile(c *gin.Context, data []byte, note importUploadNote) (string, error) {
	dir := s.importDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("handlers: upload folder: %w", err)
	}
	s.expireImportFiles(dir)
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b[:])
	pr := principalOf(c)
	note.Session, note.User, note.At = importSessionKey(pr.session.ID), pr.user.Username, time.Now().UTC()
	meta, err := json.Marshal(note)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, token+".upload"), data, 0o600); err != nil {
		return "", fmt.Errorf("handlers: keep upload: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, token+".json"), meta, 0o600); err != nil {
		return "", fmt.Errorf("handlers: keep upload: %w", err)
	}
	return token, nil
}

func importSessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// expireUploads removes uploads older than importUploadTTL.
func (s *Server) expireImportFiles(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > importUploadTTL {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// loadUpload returns a kept upload of this session, or ErrNotFound.
func (s *Server) loadImportFile(c *gin.Context, token string) ([]byte, importUploadNote, error) {
	var note importUploadNote
	if !importTokenPattern.MatchString(token) {
		return nil, note, notFound("upload")
	}
	dir := s.importDir()
	meta, err := os.ReadFile(filepath.Join(dir, token+".json"))
	if err != nil {
		return nil, note, notFound("upload")
	}
	if err := json.Unmarshal(meta, &note); err != nil {
		return nil, note, err
	}
	pr := principalOf(c)
	if note.Session != importSessionKey(pr.session.ID) || note.User != pr.user.Username || time.Since(note.At) > importUploadTTL {
		return nil, note, notFound("upload")
	}
	data, err := os.ReadFile(filepath.Join(dir, token+".upload"))
	if err != nil {
		return nil, note, notFound("upload")
	}
	return data, note, nil
}

func (s *Server) dropImportFile(token string) {
	for _, ext := range []string{".upload", ".json"} {
		_ = os.Remove(filepath.Join(s.importDir(), token+ext))
	}
}

// transferConfirmForm confirms a checked upload, named by its token.
type transferConfirmForm struct {
	Token  string `form:"token"`
	Reason string `form:"reason"`
	Job    string `form:"job"` // the check whose result the form was on
}

// uiTransferConfirm applies a checked upload. The file is checked again, since
// the catalogue may have changed since the dry run.
func (s *Server) uiTransferConfirm(c *gin.Context) error {
	if err := s.mayImport(c); err != nil {
		return err
	}
	lang := langOf(c)
	var f transferConfirmForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	token := f.Token
	data, note, err := s.loadImportFile(c, token)
	if err != nil {
		p := s.newTransferPage(c)
		p.Error = s.site.T(lang, "catalogue.transfer.expired")
		s.renderTransfer(c, http.StatusNotFound, p)
		return nil
	}
	p := s.newTransferPage(c)
	p.FileName, p.Reason = note.Name, strings.TrimSpace(f.Reason)
	if p.Reason == "" {
		return s.transferNoReason(c, p, f, data, note)
	}
	return s.startImportJob(c, &importTask{token: token, name: note.Name, reason: p.Reason},
		importJob{data: data, format: note.Format, confirm: true, reason: p.Reason})
}

// transferNoReason shows the checked file again, asking for the reason: the
// check job's result while it is kept, else a new check.
func (s *Server) transferNoReason(c *gin.Context, p transferPage, f transferConfirmForm, data []byte, note importUploadNote) error {
	msg := s.site.T(langOf(c), "admin.err.reason")
	if t := s.sessionJob(c, f.Job); t != nil && t.token == f.Token && !t.confirm && t.state().Finished {
		_, jp, err := s.jobPage(c, t)
		if err != nil {
			return err
		}
		jp.Error = msg
		s.renderTransfer(c, http.StatusUnprocessableEntity, jp)
		return nil
	}
	ok, err := s.checkImportFile(c, &p, data, note.Format)
	if err != nil {
		return err
	}
	if ok {
		p.Token = f.Token
	}
	p.Error = msg
	s.renderTransfer(c, http.StatusUnprocessableEntity, p)
	return nil
}
