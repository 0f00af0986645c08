package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/form"
	"onewindow/policies"
)

// The application form editor of catalogue administrators (GET and POST
// /admin/items/{code}/form): one page posting the whole working copy of the item's form,
// with a button per operation (formedit.go). Preview, import and export work on the working
// copy; only "save" stores it, through the service, as the item's next version with a reason.

// maxFormImport bounds an imported form definition file.
const maxFormImport = 1 << 20

// formEditor is what one request of the editor works on: the stored item, its form and the
// dictionaries that exist.
type formEditor struct {
	item    *models.Item
	stored  *form.Schema // the form the item uses now
	custom  bool         // stored is the item's own form, not the default one
	dicts   []models.FormDictionary
	byName  form.Dicts
	version int // the item version the working copy was started from
}

// loadFormEditor loads the item (authorizing the edit in its department), its form and the
// dictionaries.
func (s *Server) loadFormEditor(c *gin.Context) (*formEditor, error) {
	it, _, err := s.adminItem(c, policies.ActEdit)
	if err != nil {
		return nil, err
	}
	stored, custom, err := it.ApplicationForm()
	if err != nil {
		return nil, err
	}
	dicts, err := s.store.FormDictionaries(c.Request.Context())
	if err != nil {
		return nil, err
	}
	e := &formEditor{item: it, stored: stored, custom: custom, dicts: dicts, byName: form.Dicts{}, version: it.Version}
	for _, d := range dicts {
		e.byName[d.Name] = d.Options
	}
	return e, nil
}

// uiItemFormEditor shows the editor with the item's form as the working copy.
func (s *Server) uiItemFormEditor(c *gin.Context) error {
	e, err := s.loadFormEditor(c)
	if err != nil {
		return err
	}
	st := editorState{draft: draftOf(e.stored), focus: -1}
	if c.Query("saved") != "" {
		st.notice = "formedit.notice.saved"
	}
	_, st.problems = checkDraft(st.draft, e.byName)
	s.renderFormEditor(c, http.StatusOK, e, st)
	return nil
}

// editorState is the working copy after an operation, with what the page says about it.
type editorState struct {
	draft    formDraft
	reason   string
	problems []editProblem
	notice   string // a locale key
	stale    bool   // the item changed since the editor started from it
	preview  bool
	focus    int  // the field an editing step acted on, where it is now; -1 for none
	moved    bool // a field was moved to a position: the page focuses it (no fragment says where)
}

// uiItemFormEdit applies the posted operation to the posted working copy and shows the page
// again; "save" stores it (PRG), "export" downloads it.
func (s *Server) uiItemFormEdit(c *gin.Context) error {
	e, err := s.loadFormEditor(c)
	if err != nil {
		return err
	}
	if err := parseForm(c); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return badRequest("the form could not be read")
	}
	post := c.Request.PostForm
	version, err := strconv.Atoi(strings.TrimSpace(post.Get("version")))
	if err != nil {
		return errVersionMissing
	}
	e.version = version
	st := editorState{draft: readDraft(post), reason: strings.TrimSpace(post.Get("reason")), focus: -1}
	status := http.StatusOK
	switch op := post.Get("op"); op {
	case "save":
		return s.saveItemForm(c, e, st)
	case "export":
		return s.exportItemForm(c, e, st)
	case "import":
		status = s.importItemForm(c, &st)
	case "reset_default":
		d := form.Default(e.item.Name, e.item.ServiceObjects)
		st.draft, st.notice = draftOf(&d), "formedit.notice.default_loaded"
	case "preview":
		st.preview = true
	case "refresh", "":
		// Enter in an input: every problem, but a field still blank is not yet wrong.
		_, checked := checkDraft(st.draft, e.byName)
		st.problems = problemsFor(checked, st.draft, -1, false)
		s.renderFormEditor(c, status, e, st)
		return nil
	default:
		if arg, ok := strings.CutPrefix(op, "move:"); ok {
			if status = moveItemFormField(&st, arg, post); status == 0 {
				return badRequest("unknown editor operation " + strconv.Quote(op))
			}
		} else {
			d, ok := applyOp(st.draft, op)
			if !ok {
				return badRequest("unknown editor operation " + strconv.Quote(op))
			}
			st.focus = opLanding(st.draft, op)
			st.draft = d
		}
		// An editing step shows the problems of the field it acted on, unless that is a
		// blank new one; the whole form is checked by the preview and the save.
		_, checked := checkDraft(st.draft, e.byName)
		st.problems = append(st.problems, problemsFor(checked, st.draft, st.focus, st.focus < 0)...)
		s.renderFormEditor(c, status, e, st)
		return nil
	}
	_, checked := checkDraft(st.draft, e.byName)
	st.problems = append(st.problems, checked...)
	s.renderFormEditor(c, status, e, st)
	return nil
}

// moveItemFormField moves field arg of the working copy to the position posted beside its
// button ("f3.move_to", counted from 1); a position that is not one of the form's is a
// problem at the field and moves nothing. It returns the page's status, 0 for a field that
// is not there.
func moveItemFormField(st *editorState, arg string, post url.Values) int {
	i, _, col, ok := opIndex(arg)
	n := len(st.draft.Fields)
	if !ok || col || i >= n {
		return 0
	}
	st.focus = i
	to, err := strconv.Atoi(strings.TrimSpace(post.Get(draftPrefix(i) + "move_to")))
	if err != nil || to < 1 || to > n {
		st.problems = append(st.problems, editProblem{Path: fmt.Sprintf("fields[%d].move_to", i), Key: "formedit.err.move_to", Args: []any{n}})
		return http.StatusUnprocessableEntity
	}
	st.draft, st.focus, st.moved = moveField(st.draft, i, to-1), to-1, true
	return http.StatusOK
}

// saveItemForm stores the working copy when it has no problems, a reason and the item is
// still at the version the editor started from; a working copy equal to the default form
// returns the item to the default form.
func (s *Server) saveItemForm(c *gin.Context, e *formEditor, st editorState) error {
	schema, probs := checkDraft(st.draft, e.byName)
	if st.reason == "" {
		probs = append(probs, editProblem{Path: "reason", Key: "formedit.err.reason_missing"})
	}
	st.problems = probs
	if e.version != e.item.Version {
		st.stale = true
		s.renderFormEditor(c, http.StatusConflict, e, st)
		return nil
	}
	if len(probs) > 0 {
		s.renderFormEditor(c, http.StatusUnprocessableEntity, e, st)
		return nil
	}
	target := schema
	if sameForm(schema, e.defaultForm()) {
		target = nil
	}
	if (target == nil && !e.custom) || (target != nil && e.custom && sameForm(schema, e.stored)) {
		st.notice = "formedit.notice.unchanged"
		s.renderFormEditor(c, http.StatusOK, e, st)
		return nil
	}
	_, err := s.actions().SetItemForm(c.Request.Context(), actorOf(c), e.item.Code, target, st.reason, e.version)
	var se *service.Error
	switch {
	case isConflict(err):
		st.stale = true
		s.renderFormEditor(c, http.StatusConflict, e, st)
		return nil
	case errors.As(err, &se) && se.Kind == service.Invalid:
		st.problems = serviceProblems(se.Fields)
		s.renderFormEditor(c, http.StatusUnprocessableEntity, e, st)
		return nil
	case err != nil:
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/items/"+e.item.Code+"/form?saved=1")
	return nil
}

// serviceProblems turns the refused fields of a save ("form.<path>", "reason") into the
// editor's problems.
func serviceProblems(fields map[string]string) []editProblem {
	var out []editProblem
	for name, msg := range fields {
		switch path, isForm := strings.CutPrefix(name, "form."); {
		case isForm:
			out = append(out, checkProblem(form.Problem{Path: path, Message: msg}))
		case name == "reason":
			out = append(out, editProblem{Path: "reason", Key: "formedit.err.reason_missing"})
		default:
			out = append(out, editProblem{Path: name, Key: "formedit.err.other", Args: []any{name + ": " + msg}})
		}
	}
	return out
}

func (e *formEditor) defaultForm() *form.Schema {
	d := form.Default(e.item.Name, e.item.ServiceObjects)
	return &d
}

// sameForm reports whether two forms are the same definition.
func sameForm(a, b *form.Schema) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}

// exportItemForm downloads the working copy as a form definition, the shape the editor and
// the API import; a working copy whose inputs do not convert is shown with its problems.
func (s *Server) exportItemForm(c *gin.Context, e *formEditor, st editorState) error {
	schema, probs := st.draft.schema()
	if len(probs) > 0 {
		st.problems = probs
		s.renderFormEditor(c, http.StatusUnprocessableEntity, e, st)
		return nil
	}
	b, err := json.MarshalIndent(formDefinitionJSON{ItemCode: e.item.Code, ItemVersion: e.version,
		Custom: !sameForm(schema, e.defaultForm()), Form: schema}, "", "  ")
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="form-`+e.item.Code+`.json"`)
	c.Data(http.StatusOK, "application/json; charset=utf-8", append(b, '\n'))
	return nil
}

// importItemForm loads an uploaded form definition into the working copy for review; a
// missing or unreadable file keeps the working copy and says why. It returns the status.
func (s *Server) importItemForm(c *gin.Context, st *editorState) int {
	refuse := func(key string, args ...any) int {
		st.problems = append(st.problems, editProblem{Path: "import", Key: key, Args: args})
		return http.StatusUnprocessableEntity
	}
	fh, err := c.FormFile("import_file")
	if err != nil {
		return refuse("formedit.err.import_missing")
	}
	if fh.Size > maxFormImport {
		return refuse("formedit.err.import_too_large", maxFormImport>>10)
	}
	f, err := fh.Open()
	if err != nil {
		return refuse("formedit.err.import_bad", err.Error())
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFormImport+1))
	if err != nil {
		return refuse("formedit.err.import_bad", err.Error())
	}
	schema, err := importedSchema(b)
	if err != nil {
		return refuse("formedit.err.import_bad", err.Error())
	}
	st.draft, st.notice = draftOf(schema), "formedit.notice.imported"
	return http.StatusOK
}
