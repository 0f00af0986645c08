package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// Blank forms (空白表格) and samples (示例样表) of an item's materials: a
// catalogue administrator uploads or removes them, material by material, on
// /admin/items/{code}/attachments; each change is a row of the item's
// attachment log, shown in its history. A refused file changes nothing and
// the page says which material's which file was refused and why.

// blankAdminPage is the data of the attachments page.
type blankAdminPage struct {
	Item     *models.Item
	Rows     []blankAdminRow
	Saved    string // the kind just uploaded or removed, for the status line
	LimitMB  int64
	HasForm  bool // the item has its own application form: a blank 申请表 is generated
	FormLink string
}

// blankAdminRow is one material with its two attachment slots.
type blankAdminRow struct {
	Key, Name string
	Flagged   bool // marked 有空白表格 in the guide
	Slots     []blankAdminSlot
}

// blankAdminSlot is a material's blank form or sample: the file it has now and the upload form.
type blankAdminSlot struct {
	Kind    string
	Label   string // 空白表格 / 示例样表 in the page's language
	Current *models.MaterialAttachment
	Size    string
	URL     string // where the guide serves it
	Error   string // why the last upload was refused, naming the field
}

func (s *Server) uiBlankAdmin(c *gin.Context) error {
	it, _, err := s.adminItem(c, policies.ActEdit)
	if err != nil {
		return err
	}
	p, err := s.blankAdminPage(c, it)
	if err != nil {
		return err
	}
	p.Saved = c.Query("saved")
	s.renderBlankAdmin(c, http.StatusOK, p)
	return nil
}

func (s *Server) renderBlankAdmin(c *gin.Context, status int, p blankAdminPage) {
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "blank_admin", s.site.T(langOf(c), "blank.admin.title", p.Item.Name), "staff", p)
}

func (s *Server) blankAdminPage(c *gin.Context, it *models.Item) (blankAdminPage, error) {
	lang := langOf(c)
	files, err := s.store.MaterialFiles(c.Request.Context(), it.Code)
	if err != nil {
		return blankAdminPage{}, err
	}
	p := blankAdminPage{Item: it, LimitMB: s.uploadLimit >> 20, HasForm: it.FormSchema != ""}
	if p.HasForm {
		p.FormLink = blankFormURL(it.Code)
	}
	for _, m := range it.Materials {
		row := blankAdminRow{Key: m.Key, Name: m.Name, Flagged: m.BlankForm}
		for _, kind := range models.AttachmentKinds {
			slot := blankAdminSlot{Kind: kind, Label: s.site.T(lang, "blank.kind."+kind), Current: files[m.Key].Of(kind)}
			if slot.Current != nil {
				slot.Size = humanSize(slot.Current.Size)
				slot.URL = blankFileURL(it.Code, m.Key, kind)
			}
			row.Slots = append(row.Slots, slot)
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// refuseBlank shows the page again with a refused upload's message beside its field.
func (s *Server) refuseBlank(c *gin.Context, it *models.Item, status int, key, kind, problem string) error {
	p, err := s.blankAdminPage(c, it)
	if err != nil {
		return err
	}
	lang := langOf(c)
	for i := range p.Rows {
		for j := range p.Rows[i].Slots {
			sl := &p.Rows[i].Slots[j]
			if p.Rows[i].Key == key && sl.Kind == kind {
				msg := s.site.T(lang, "blank.err."+problem)
				if problem == blankProblemTooLarge {
					msg = s.site.T(lang, "blank.err."+problem, p.LimitMB)
				}
				sl.Error = s.site.T(lang, "blank.err.field", p.Rows[i].Name, sl.Label) + msg
			}
		}
	}
	s.renderBlankAdmin(c, status, p)
	return nil
}

// uiBlankUpload stores an uploaded blank form or sample (query: material,
// kind; multipart: file).
func (s *Server) uiBlankUpload(c *gin.Context) error {
	it, _, err := s.adminItem(c, policies.ActEdit)
	if err != nil {
		return err
	}
	// The form's action names the material and kind, so that a body too
	// large to read still gets its message beside the right field.
	key, kind := c.Query("material"), c.Query("kind")
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return s.refuseBlank(c, it, http.StatusRequestEntityTooLarge, key, kind, blankProblemTooLarge)
		}
		return badRequest("expected a multipart form with material, kind and file")
	}
	if kind != models.AttachmentBlank && kind != models.AttachmentSample {
		return invalid(map[string]string{"kind": "must be blank or sample"})
	}
	if !hasMaterial(it, key) {
		return invalid(map[string]string{"material": "is not a material of the item"})
	}
	fh, _ := c.FormFile("file")
	t, problem := sniffBlank(fh, s.uploadLimit)
	if problem != "" {
		status := map[string]int{blankProblemTooLarge: http.StatusRequestEntityTooLarge, blankProblemType: http.StatusUnsupportedMediaType,
			blankProblemDisguised: http.StatusUnsupportedMediaType}[problem]
		if status == 0 {
			status = http.StatusUnprocessableEntity
		}
		return s.refuseBlank(c, it, status, key, kind, problem)
	}
	if err := s.store.CheckDisk(); err != nil {
		return err
	}
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	sum, size, err := s.files.Put(c.Request.Context(), src, s.uploadLimit)
	if errors.Is(err, models.ErrTooLarge) {
		return s.refuseBlank(c, it, http.StatusRequestEntityTooLarge, key, kind, blankProblemTooLarge)
	}
	if err != nil {
		return err
	}
	_, err = s.store.AttachMaterialFile(c.Request.Context(), actorOf(c).Username, it.Code, models.MaterialAttachment{
		MaterialKey: key, Kind: kind, SHA256: sum, Size: size, ContentType: t.ContentType, FileName: uploadName(fh.Filename, t)})
	if errors.Is(err, models.ErrNoSuchMaterial) {
		return invalid(map[string]string{"material": "is not a material of the item"})
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+it.Code+"/attachments?saved="+kind)
	return nil
}

// uiBlankRemove takes a material's blank form or sample off the guide (form: material, kind).
func (s *Server) uiBlankRemove(c *gin.Context) error {
	it, _, err := s.adminItem(c, policies.ActEdit)
	if err != nil {
		return err
	}
	key, kind := c.PostForm("material"), c.PostForm("kind")
	if kind != models.AttachmentBlank && kind != models.AttachmentSample {
		return invalid(map[string]string{"kind": "must be blank or sample"})
	}
	if err := s.store.RemoveMaterialFile(c.Request.Context(), actorOf(c).Username, it.Code, key, kind); err != nil {
		if errors.Is(err, models.ErrNoSuchMaterial) {
			return invalid(map[string]string{"material": "is not a material of the item"})
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+it.Code+"/attachments?saved=removed")
	return nil
}

func hasMaterial(it *models.Item, key string) bool {
	for _, m := range it.Materials {
		if m.Key == key {
			return true
		}
	}
	return false
}

// uploadName is the uploaded file's own name, kept for the administrator; a
// name that is not text or too long becomes a plain one.
func uploadName(name string, t blankType) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if !utf8.ValidString(name) || len(name) > 200 || name == "." || name == "/" {
		return "upload" + t.Ext
	}
	return name
}

// humanSize is a file size as people read it.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// blankFileURL is where the guide serves a material's blank form or sample.
func blankFileURL(code, key, kind string) string {
	return "/items/" + code + "/materials/" + key + "/" + kind
}

// blankFormURL is the printable blank 申请表 generated from the item's own form.
func blankFormURL(code string) string { return "/items/" + code + "/blank-form" }
