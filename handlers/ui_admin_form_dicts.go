package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/form"
	"onewindow/policies"
	"onewindow/web"
)

// The pages of the form dictionaries (民族, 学历, 主体业态 …) that form fields take their
// options from: the list with a form for a new one, and one dictionary's edit form. They
// serve every department's forms, so catalogue administrators of every department edit them
// (the service checks the edit permission in "*"). Server-rendered, PRG on success.

// maxDictName bounds a dictionary's name as the store does (bytes).
const maxDictName = 64

// formDictForm is a dictionary as the pages post it: the options one a line,
// "value=中文标签|English label".
type formDictForm struct {
	Name    string `form:"name"`
	LabelZh string `form:"label_zh"`
	LabelEn string `form:"label_en"`
	Options string `form:"options"`
	Reason  string `form:"reason"`          // why an existing dictionary is changed
	Confirm string `form:"confirm_removal"` // the options forms' conditions wait on may go
}

// formDictRow is one dictionary of the list.
type formDictRow struct {
	Name, Label, Href, UpdatedBy, UpdatedAt string
	Count                                   int
	System                                  bool // still as shipped, never edited by an account
}

type formDictsPage struct {
	Rows   []formDictRow
	Form   formDictForm
	Errors map[string][]string // input → messages in the page's language
	Flash  string              // a locale key
}

type formDictPage struct {
	Dict      *models.FormDictionary
	Href      string
	System    bool
	UpdatedBy string // who changed it last, as the page says it
	UpdatedAt string
	Form      formDictForm
	Errors    map[string][]string
	Flash     string
	Uses      []dictUse       // the published items whose forms take it
	Blocked   []dictCondition // conditions waiting on an option the posted edit removes
}

// dictTitle is a dictionary's title in lang; a title not given in lang (the shipped
// dictionaries have no English one) is the dictionary's name.
func dictTitle(lang string, d *models.FormDictionary) string {
	t := d.LabelZh
	if lang != web.DefaultLang {
		t = d.LabelEn
	}
	if strings.TrimSpace(t) == "" {
		return d.Name
	}
	return t
}

// formDictHref is the address of a dictionary's page; the name is one path segment.
func formDictHref(name string) string { return "/admin/forms/dictionaries/" + url.PathEscape(name) }

// authorizeFormDicts checks the permission the service checks before it writes.
func (s *Server) authorizeFormDicts(c *gin.Context) error {
	return s.authorize(c, policies.AllDomains, policies.ObjItem, policies.ActEdit)
}

func (s *Server) uiFormDicts(c *gin.Context) error {
	if err := s.authorizeFormDicts(c); err != nil {
		return err
	}
	p := formDictsPage{}
	if c.Query("saved") == "created" {
		p.Flash = "formedit.dicts.created"
	}
	return s.renderFormDicts(c, http.StatusOK, p)
}

func (s *Server) renderFormDicts(c *gin.Context, status int, p formDictsPage) error {
	ds, err := s.store.FormDictionaries(c.Request.Context())
	if err != nil {
		return err
	}
	lang := langOf(c)
	for _, d := range ds {
		p.Rows = append(p.Rows, formDictRow{Name: d.Name, Label: dictTitle(lang, &d),
			Href: formDictHref(d.Name), UpdatedBy: d.UpdatedBy, UpdatedAt: localTime(d.UpdatedAt), Count: len(d.Options),
			System: d.UpdatedBy == models.AliasSystemActor})
	}
	if p.Errors == nil {
		p.Errors = map[string][]string{}
	}
	s.render(c, status, "admin_form_dicts", s.site.T(lang, "formedit.dicts.title"), "staff", p)
	return nil
}

// uiFormDictCreate adds a dictionary; a name that exists already is refused rather than
// replaced, and so is one with characters that cannot stand in its page's address.
func (s *Server) uiFormDictCreate(c *gin.Context) error {
	if err := s.authorizeFormDicts(c); err != nil {
		return err
	}
	var f formDictForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	d, errs := s.checkFormDict(c, f, f.Name)
	if len(errs["name"]) == 0 {
		ds, err := s.store.FormDicts(c.Request.Context())
		if err != nil {
			return err
		}
		switch _, taken := ds[d.Name]; {
		case taken:
			errs["name"] = append(errs["name"], s.site.T(langOf(c), "formedit.dicts.err.name_taken", d.Name))
		case strings.ContainsAny(d.Name, "/\\?#%") || strings.ContainsFunc(d.Name, unicode.IsControl):
			errs["name"] = append(errs["name"], s.site.T(langOf(c), "formedit.dicts.err.name_chars"))
		}
	}
	if len(errs) == 0 {
		var err error
		if errs, err = s.putFormDict(c, d); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderFormDicts(c, http.StatusUnprocessableEntity, formDictsPage{Form: f, Errors: errs})
	}
	c.Redirect(http.StatusSeeOther, formDictHref(d.Name)+"?saved=created")
	return nil
}

func (s *Server) uiFormDict(c *gin.Context) error {
	if err := s.authorizeFormDicts(c); err != nil {
		return err
	}
	d, err := s.formDict(c)
	if err != nil {
		return err
	}
	p := formDictPage{Dict: d, Form: formDictForm{Name: d.Name, LabelZh: d.LabelZh, LabelEn: d.LabelEn,
		Options: form.OptionsText(d.Options)}}
	if p.Uses, _, err = s.dictionaryUses(c.Request.Context(), langOf(c), d.Name); err != nil {
		return err
	}
	switch c.Query("saved") {
	case "created":
		p.Flash = "formedit.dicts.created"
	case "updated":
		p.Flash = "formedit.dicts.updated"
	}
	return s.renderFormDict(c, http.StatusOK, p)
}

func (s *Server) renderFormDict(c *gin.Context, status int, p formDictPage) error {
	p.Href, p.System = formDictHref(p.Dict.Name), p.Dict.UpdatedBy == models.AliasSystemActor
	p.UpdatedBy, p.UpdatedAt = p.Dict.UpdatedBy, localTime(p.Dict.UpdatedAt)
	if p.System {
		p.UpdatedBy = s.site.T(langOf(c), "formedit.dicts.system")
	}
	if p.Errors == nil {
		p.Errors = map[string][]string{}
	}
	s.render(c, status, "admin_form_dict", s.site.T(langOf(c), "formedit.dicts.edit_title", p.Dict.Name), "staff", p)
	return nil
}

func (s *Server) uiFormDictSave(c *gin.Context) error {
	if err := s.authorizeFormDicts(c); err != nil {
		return err
	}
	stored, err := s.formDict(c)
	if err != nil {
		return err
	}
	var f formDictForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.Name = stored.Name
	lang := langOf(c)
	d, errs := s.checkFormDict(c, f, stored.Name)
	reason := strings.TrimSpace(f.Reason)
	if reason == "" {
		errs["reason"] = append(errs["reason"], s.site.T(lang, "formedit.dicts.err.reason_missing"))
	}
	uses, conds, err := s.dictionaryUses(c.Request.Context(), lang, stored.Name)
	if err != nil {
		return err
	}
	// Taking out an option a form's condition waits on needs a second, confirmed save.
	blocked := conditionsOnRemoved(conds, stored.Options, d.Options)
	if len(blocked) > 0 && f.Confirm == "" {
		errs["confirm"] = append(errs["confirm"], s.site.T(lang, "formedit.dicts.err.confirm_removal", len(blocked)))
	}
	if len(errs) == 0 {
		if errs, err = s.putFormDict(c, d); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderFormDict(c, http.StatusUnprocessableEntity, formDictPage{Dict: stored, Form: f, Errors: errs,
			Uses: uses, Blocked: blocked})
	}
	// The store keeps who changed it and when, not why (that needs a change log of its own);
	// the reason goes to the server's log with the change.
	s.log.Info("form dictionary changed", "name", d.Name, "actor", actorOf(c).Username, "reason", reason,
		"options_before", len(stored.Options), "options_after", len(d.Options), "conditions_on_removed", len(blocked))
	c.Redirect(http.StatusSeeOther, formDictHref(d.Name)+"?saved=updated")
	return nil
}

// formDict loads the dictionary the path names.
func (s *Server) formDict(c *gin.Context) (*models.FormDictionary, error) {
	ds, err := s.store.FormDictionaries(c.Request.Context())
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].Name == c.Param("name") {
			return &ds[i], nil
		}
	}
	return nil, notFound("dictionary")
}

// checkFormDict reads a posted dictionary and says, in the page's language and line by line,
// what the store would refuse.
func (s *Server) checkFormDict(c *gin.Context, f formDictForm, name string) (models.FormDictionary, map[string][]string) {
	lang := langOf(c)
	errs := map[string][]string{}
	add := func(input, key string, args ...any) { errs[input] = append(errs[input], s.site.T(lang, key, args...)) }
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		add("name", "formedit.dicts.err.name_missing")
	case len(name) > maxDictName:
		add("name", "formedit.dicts.err.name_long", maxDictName/3)
	}
	if strings.TrimSpace(f.LabelZh) == "" {
		add("label_zh", "formedit.dicts.err.label_missing")
	}
	opts := parseOptionLines(strings.ReplaceAll(f.Options, "\r\n", "\n"))
	if len(opts) == 0 {
		add("options", "formedit.dicts.err.options_missing")
	}
	seen := map[string]int{}
	for i, o := range opts {
		switch j, dup := seen[o.Value]; {
		case o.Value == "":
			add("options", "formedit.err.option_value_missing", i+1)
		case dup:
			add("options", "formedit.dicts.err.option_twice", i+1, o.Value, j+1)
		case strings.TrimSpace(o.Label.Zh) == "":
			add("options", "formedit.err.option_label_missing", i+1)
		}
		if _, dup := seen[o.Value]; !dup {
			seen[o.Value] = i
		}
	}
	d := models.FormDictionary{Name: name, LabelZh: strings.TrimSpace(f.LabelZh), LabelEn: strings.TrimSpace(f.LabelEn),
		Options: opts}
	return d, errs
}

// putFormDict stores a checked dictionary through the service; what it still refuses is
// returned by input (none when it was stored), any other failure as the error.
func (s *Server) putFormDict(c *gin.Context, d models.FormDictionary) (map[string][]string, error) {
	_, err := s.actions().PutFormDictionary(c.Request.Context(), actorOf(c), d)
	var se *service.Error
	if err == nil || !errors.As(err, &se) || se.Kind != service.Invalid {
		return nil, err
	}
	out := map[string][]string{}
	for field, msg := range se.Fields {
		input := field
		if strings.HasPrefix(field, "options") {
			input = "options"
		}
		out[input] = append(out[input], s.site.T(langOf(c), "formedit.err.other", field+": "+msg))
	}
	return out, nil
}
