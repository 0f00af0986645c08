package handlers

import (
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/models/form"
)

// The public side of blank forms and samples: the guide links a material's
// files (下载空白表格 / 查看示例样表), serves them with their type and a name in
// the page's language, and offers a printable blank 申请表 generated from the
// item's own form where it has one. A material marked 有空白表格 that has
// neither says it is handed out at the window, never that it can be
// downloaded.

// guideFiles are the links of one material on a guide or a checklist.
type guideFiles struct {
	Blank, Sample string // URLs, "" when the material has none
	Generated     string // the generated blank 申请表, for a material marked 有空白表格 without its own file
	AtWindow      bool   // marked 有空白表格 with nothing to download: handed out at the window
	Lang          string // the page's language, for the links' words
}

// Any reports whether the material has a link to show.
func (g guideFiles) Any() bool { return g.Blank != "" || g.Sample != "" || g.Generated != "" }

// materialLinks returns the links of each of an item's materials, by key.
func (s *Server) materialLinks(c *gin.Context, it *models.Item) (map[string]guideFiles, error) {
	files, err := s.store.MaterialFiles(c.Request.Context(), it.Code)
	if err != nil {
		return nil, err
	}
	out := make(map[string]guideFiles, len(it.Materials))
	for _, m := range it.Materials {
		g := guideFiles{Lang: langOf(c)}
		if files[m.Key].Blank != nil {
			g.Blank = blankFileURL(it.Code, m.Key, models.AttachmentBlank)
		}
		if files[m.Key].Sample != nil {
			g.Sample = blankFileURL(it.Code, m.Key, models.AttachmentSample)
		}
		if m.BlankForm && g.Blank == "" {
			if it.FormSchema != "" {
				g.Generated = blankFormURL(it.Code)
			} else {
				g.AtWindow = true
			}
		}
		if g.Any() || g.AtWindow {
			out[m.Key] = g
		}
	}
	return out, nil
}

// uiBlankFile serves a material's blank form (as a download) or sample (to view).
func (s *Server) uiBlankFile(c *gin.Context) error {
	kind := c.Param("kind")
	if kind != models.AttachmentBlank && kind != models.AttachmentSample {
		return notFound("attachment")
	}
	it, err := s.store.Item(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	var m *models.Material
	for i := range it.Materials {
		if it.Materials[i].Key == c.Param("key") {
			m = &it.Materials[i]
		}
	}
	if m == nil {
		return notFound("material")
	}
	files, err := s.store.MaterialFiles(c.Request.Context(), it.Code)
	if err != nil {
		return err
	}
	a := files[m.Key].Of(kind)
	if a == nil {
		return notFound("attachment")
	}
	r, _, err := s.files.Open(c.Request.Context(), a.SHA256)
	if err != nil {
		return err
	}
	defer r.Close()
	ext := blankTypes[a.ContentType].Ext
	disposition := "attachment"
	if kind == models.AttachmentSample {
		disposition = "inline"
	}
	name := s.site.T(langOf(c), "blank.file_name", m.Name, s.site.T(langOf(c), "blank.kind."+kind)) + ext
	c.Header("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	c.Header("X-Content-Type-Options", "nosniff")
	c.DataFromReader(http.StatusOK, a.Size, a.ContentType, r, nil)
	return nil
}

// blankFormPage is the data of the generated blank 申请表.
type blankFormPage struct {
	Item       *models.Item
	Department string
	Fields     []blankFormField
	Demo       bool
}

// blankFormField is one question of the blank 申请表 with room for the answer.
type blankFormField struct {
	Key, Label, Help string
	Required         bool
	Options          []string // the choices, each with a box to tick
	Tick             bool     // a yes-or-no box
	Tall             bool     // several lines
	Columns          []string // a table's columns, with empty rows below
	Rows             []int
}

// uiBlankForm shows the item's own application form, empty, to print.
func (s *Server) uiBlankForm(c *gin.Context) error {
	ctx, lang := c.Request.Context(), langOf(c)
	it, err := s.store.Item(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	if it.FormSchema == "" {
		return notFound("application form")
	}
	sc, _, err := it.ApplicationForm()
	if err != nil {
		return err
	}
	dicts, err := s.store.FormDicts(ctx)
	if err != nil {
		return err
	}
	p := blankFormPage{Item: it, Department: s.ref.Load().deptByKey[it.DepartmentCode].Name, Demo: s.demo}
	for _, f := range sc.Fields {
		p.Fields = append(p.Fields, blankField(lang, f, dicts))
	}
	s.render(c, http.StatusOK, "blank_form", s.site.T(lang, "blank.generated.title", it.Name), "items", p)
	return nil
}

func blankField(lang string, f form.Field, dicts form.Dicts) blankFormField {
	out := blankFormField{Key: f.Key, Label: f.Label.In(lang), Help: f.Help.In(lang), Required: f.Required}
	switch f.Type {
	case form.TypeSelect, form.TypeMultiselect:
		opts := f.Options
		if f.Dictionary != "" {
			opts = dicts[f.Dictionary]
		}
		for _, o := range opts {
			out.Options = append(out.Options, o.Label.In(lang))
		}
	case form.TypeCheckbox:
		out.Tick = true
	case form.TypeTextarea, form.TypeAddress:
		out.Tall = true
	case form.TypeTable:
		for _, col := range f.Columns {
			out.Columns = append(out.Columns, col.Label.In(lang))
		}
		out.Rows = make([]int, 3)
	}
	return out
}
