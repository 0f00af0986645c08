package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/form"
)

// Application forms (DESIGN §8 "Forms"): every published item's form as JSON Schema and as
// its definition, the form's change by catalogue administrators, and the dictionaries the
// forms' options may come from.

// itemFormOf returns the published item of the request's code and its form.
func (s *Server) itemFormOf(c *gin.Context) (*models.Item, *service.ItemForm, error) {
	ctx := c.Request.Context()
	it, err := s.publishedItem(ctx, c.Param("code"))
	if err != nil {
		return nil, nil, err
	}
	f, err := s.actions().ItemForm(ctx, it)
	if err != nil {
		return nil, nil, err
	}
	return it, f, nil
}

// apiItemFormSchema answers GET /api/v1/items/{code}/form: the form as JSON Schema (draft
// 2020-12) that the API's "form" object must satisfy, with the item version as its ETag.
func (s *Server) apiItemFormSchema(c *gin.Context) error {
	it, f, err := s.itemFormOf(c)
	if err != nil {
		return err
	}
	etag := fmt.Sprintf(`"%s-%d"`, it.Code, it.Version)
	c.Header("ETag", etag)
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return nil
	}
	b, err := f.Compiled.JSONSchema()
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/schema+json", b)
	return nil
}

// formDefinitionJSON is an item's form as the form editor imports and exports it.
type formDefinitionJSON struct {
	ItemCode    string       `json:"item_code"`
	ItemVersion int          `json:"item_version"`
	Custom      bool         `json:"custom"` // false: the default form built from the item's guide
	Form        *form.Schema `json:"form"`
}

// apiItemFormDefinition answers GET /api/v1/items/{code}/form/definition.
func (s *Server) apiItemFormDefinition(c *gin.Context) error {
	it, f, err := s.itemFormOf(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, formDefinitionJSON{ItemCode: it.Code, ItemVersion: it.Version, Custom: f.Custom, Form: f.Schema})
	return nil
}

// itemFormBody is the body of PUT /api/v1/items/{code}/form.
type itemFormBody struct {
	Form    json.RawMessage `json:"form"` // a form definition; null returns the item to the default form
	Reason  string          `json:"reason"`
	Version int             `json:"version"`
}

// apiPutItemForm stores an item's form as its next version.
func (s *Server) apiPutItemForm(c *gin.Context) error {
	var in itemFormBody
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body must be {\"form\", \"reason\", \"version\"}")
	}
	var schema *form.Schema
	if t := bytes.TrimSpace(in.Form); len(t) > 0 && string(t) != "null" {
		var err error
		if schema, err = form.Parse(t); err != nil {
			return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "the form is not a form definition",
				Fields: map[string]string{"form": strings.TrimPrefix(err.Error(), "form: parse schema: ")}}
		}
	}
	return s.changeItem(c, func(ctx context.Context, svc *service.Service, who service.Actor, code string) (*models.Item, error) {
		return svc.SetItemForm(ctx, who, code, schema, in.Reason, in.Version)
	})
}

// dictionaryJSON is one form dictionary as the API answers and takes it.
type dictionaryJSON struct {
	Name      string        `json:"name"`
	Label     form.Text     `json:"label"`
	Options   []form.Option `json:"options"`
	UpdatedBy string        `json:"updated_by,omitempty"`
	UpdatedAt *time.Time    `json:"updated_at,omitempty"`
}

func toDictionaryJSON(d models.FormDictionary) dictionaryJSON {
	at := d.UpdatedAt
	return dictionaryJSON{Name: d.Name, Label: form.Text{Zh: d.LabelZh, En: d.LabelEn}, Options: d.Options,
		UpdatedBy: d.UpdatedBy, UpdatedAt: &at}
}

// apiFormDictionaries answers GET /api/v1/form-dictionaries: every dictionary, by name.
func (s *Server) apiFormDictionaries(c *gin.Context) error {
	ds, err := s.store.FormDictionaries(c.Request.Context())
	if err != nil {
		return err
	}
	out := make([]dictionaryJSON, len(ds))
	for i, d := range ds {
		out[i] = toDictionaryJSON(d)
	}
	c.JSON(http.StatusOK, gin.H{"dictionaries": out})
	return nil
}

// apiPutFormDictionary creates or replaces one dictionary.
func (s *Server) apiPutFormDictionary(c *gin.Context) error {
	var in dictionaryJSON
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body must be {\"label\", \"options\"}")
	}
	d, err := s.actions().PutFormDictionary(c.Request.Context(), actorOf(c), models.FormDictionary{Name: c.Param("name"),
		LabelZh: strings.TrimSpace(in.Label.Zh), LabelEn: strings.TrimSpace(in.Label.En), Options: in.Options})
	if err != nil {
		return err
	}
	c.Set(ctxAuthorized, true) // the service authorized the change
	c.JSON(http.StatusOK, toDictionaryJSON(*d))
	return nil
}
