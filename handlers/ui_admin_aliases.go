package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// The alias dictionary pages: the list with a filter and a form for a new
// word, one word's edit and delete forms with its change log, and the whole
// change log. Server-rendered, no JavaScript; PRG on success.

// aliasChangesShown bounds the change log page.
const aliasChangesShown = 500

// aliasForm is a word as the pages submit it: the official terms one per
// line (or separated by "|" or "；").
type aliasForm struct {
	Term    string `form:"term"`
	Targets string `form:"targets"`
	Note    string `form:"note"`
	Reason  string `form:"reason"`
}

func (f aliasForm) input(term string) models.AliasInput {
	if term == "" {
		term = f.Term
	}
	return models.AliasInput{Term: term, Targets: models.SplitAliasTargets(f.Targets), Note: f.Note, Reason: f.Reason}
}

// aliasDeleteForm is the delete button of one word with its reason.
type aliasDeleteForm struct {
	Reason string `form:"delete_reason"`
}

// aliasChangeView is one line of the change log as the pages show it.
type aliasChangeView struct {
	At, Actor, Term, Action, Before, After, Reason string
	System                                         bool // made by the system (the shipped default)
}

// aliasListRow is one word of the list with the address of its page.
type aliasListRow struct {
	models.SearchAlias
	Href   string
	System bool // last changed by the system (the shipped default), not an account
}

// aliasHref is the address of a word's page; the word is one path segment.
func aliasHref(term string) string {
	return "/admin/search/aliases/" + url.PathEscape(term)
}

type aliasesPage struct {
	Q       string
	Aliases []aliasListRow
	Form    aliasForm
	Errors  map[string]string // field → locale key
	Flash   string
	Changes []aliasChangeView
}

type aliasPage struct {
	Alias   *models.SearchAlias
	System  bool   // the word was last changed by the system (the shipped default)
	Href    string // the word's page, the action of its forms
	Form    aliasForm
	Delete  aliasDeleteForm
	Errors  map[string]string
	Flash   string
	Changes []aliasChangeView
}

type aliasChangesPage struct {
	Term    string
	Changes []aliasChangeView
	Limit   int
}

func (s *Server) uiAliases(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActEdit); err != nil {
		return err
	}
	return s.renderAliases(c, http.StatusOK, aliasesPage{Q: strings.TrimSpace(c.Query("q")), Flash: s.flash(c)})
}

func (s *Server) renderAliases(c *gin.Context, status int, p aliasesPage) error {
	ctx := c.Request.Context()
	list, err := s.store.FindSearchAliases(ctx, p.Q)
	if err != nil {
		return err
	}
	for _, a := range list {
		p.Aliases = append(p.Aliases, aliasListRow{SearchAlias: a, Href: aliasHref(a.Term),
			System: a.UpdatedBy == models.AliasSystemActor})
	}
	changes, err := s.store.SearchAliasChanges(ctx, "", 10)
	if err != nil {
		return err
	}
	p.Changes = aliasChangeViews(changes)
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	s.render(c, status, "admin_aliases", s.site.T(langOf(c), "aliases.title"), "staff", p)
	return nil
}

func (s *Server) uiAliasCreate(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActEdit); err != nil {
		return err
	}
	var f aliasForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	a, err := s.store.CreateSearchAlias(c.Request.Context(), actorName(c), f.input(""))
	if errs, ok := s.aliasErrorKeys(c, err); ok {
		return s.renderAliases(c, http.StatusUnprocessableEntity, aliasesPage{Form: f, Errors: errs})
	}
	if err != nil {
		return err
	}
	redirectDone(c, "/admin/search/aliases", url.Values{"q": {a.Term}}, "alias_created")
	return nil
}

// aliasErrorKeys turns the field errors of a dictionary write into locale
// keys ("aliases.err.<field>_<rule>"); ok is false for any other error.
func (s *Server) aliasErrorKeys(c *gin.Context, err error) (map[string]string, bool) {
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	out := map[string]string{}
	for field := range ve.Fields {
		key := "aliases.err." + field + "_" + ve.Rule(field)
		if s.site.TOr(langOf(c), key, "") == "" {
			key = "aliases.err.invalid"
		}
		out[field] = key
	}
	return out, true
}

func (s *Server) uiAliasForm(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActEdit); err != nil {
		return err
	}
	a, err := s.store.SearchAlias(c.Request.Context(), c.Param("term"))
	if err != nil {
		return err
	}
	f := aliasForm{Term: a.Term, Targets: strings.Join(a.Targets, "\n"), Note: a.Note}
	return s.renderAlias(c, http.StatusOK, aliasPage{Alias: a, Form: f, Flash: s.flash(c)})
}

func (s *Server) renderAlias(c *gin.Context, status int, p aliasPage) error {
	changes, err := s.store.SearchAliasChanges(c.Request.Context(), p.Alias.Term, 0)
	if err != nil {
		return err
	}
	p.Changes = aliasChangeViews(changes)
	p.Href = aliasHref(p.Alias.Term)
	p.System = p.Alias.UpdatedBy == models.AliasSystemActor
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	s.render(c, status, "admin_alias", s.site.T(langOf(c), "aliases.edit_title", p.Alias.Term), "staff", p)
	return nil
}

func (s *Server) uiAliasUpdate(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActEdit); err != nil {
		return err
	}
	var f aliasForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	ctx := c.Request.Context()
	a, err := s.store.UpdateSearchAlias(ctx, actorName(c), f.input(c.Param("term")))
	if errs, ok := s.aliasErrorKeys(c, err); ok {
		stored, serr := s.store.SearchAlias(ctx, c.Param("term"))
		if serr != nil {
			return serr
		}
		f.Term = stored.Term
		return s.renderAlias(c, http.StatusUnprocessableEntity, aliasPage{Alias: stored, Form: f, Errors: errs})
	}
	if err != nil {
		return err
	}
	redirectDone(c, "/admin/search/aliases", url.Values{"q": {a.Term}}, "alias_updated")
	return nil
}

func (s *Server) uiAliasDelete(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActEdit); err != nil {
		return err
	}
	var f aliasDeleteForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	ctx := c.Request.Context()
	err := s.store.DeleteSearchAlias(ctx, actorName(c), c.Param("term"), f.Reason)
	if errs, ok := s.aliasErrorKeys(c, err); ok {
		stored, serr := s.store.SearchAlias(ctx, c.Param("term"))
		if serr != nil {
			return serr
		}
		form := aliasForm{Term: stored.Term, Targets: strings.Join(stored.Targets, "\n"), Note: stored.Note}
		return s.renderAlias(c, http.StatusUnprocessableEntity, aliasPage{Alias: stored, Form: form, Delete: f,
			Errors: map[string]string{"delete_reason": errs["reason"]}})
	}
	if err != nil {
		return err
	}
	redirectDone(c, "/admin/search/aliases", nil, "alias_deleted")
	return nil
}

func (s *Server) uiAliasChanges(c *gin.Context) error {
	if err := s.authorizeAliases(c, policies.ActEdit); err != nil {
		return err
	}
	term := strings.TrimSpace(c.Query("term"))
	changes, err := s.store.SearchAliasChanges(c.Request.Context(), term, aliasChangesShown)
	if err != nil {
		return err
	}
	p := aliasChangesPage{Term: term, Changes: aliasChangeViews(changes), Limit: aliasChangesShown}
	s.render(c, http.StatusOK, "admin_alias_changes", s.site.T(langOf(c), "aliases.log.title"), "staff", p)
	return nil
}

func aliasChangeViews(changes []models.AliasChange) []aliasChangeView {
	out := make([]aliasChangeView, len(changes))
	for i, ch := range changes {
		out[i] = aliasChangeView{At: localTime(ch.At), Actor: ch.Actor, Term: ch.Term, Action: ch.Action,
			Before: aliasValueText(ch.Before), After: aliasValueText(ch.After), Reason: ch.Reason,
			System: ch.Actor == models.AliasSystemActor}
	}
	return out
}

// aliasValueText writes an entry of the log as one line: the official
// terms, and the note in brackets.
func aliasValueText(v *models.AliasValue) string {
	if v == nil {
		return ""
	}
	s := strings.Join(v.Targets, "、")
	if v.Note != "" {
		s += "（" + v.Note + "）"
	}
	return s
}
