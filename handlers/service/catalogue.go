package service

import (
	"context"
	"errors"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/policies"
)

// Catalogue writes: each loads the stored item, checks the actor's
// permission in the item's department (and in the new one when an edit
// moves the item), and changes it at the version the actor saw. A stale
// version is the store's ErrConflict; a refused field is Invalid, with the
// store's *models.ValidationError as the cause.

// UpdateItem saves edited as the item's new published version (save and
// publish at once, with the edit permission as the API has always asked).
func (s *Service) UpdateItem(ctx context.Context, who Actor, code string, edited models.Item, reason string, version int) (*models.Item, error) {
	return s.updateItem(ctx, who, code, edited, reason, version, false)
}

// UpdateItemFromDraft is UpdateItem for the editor's 保存并发布 of the pending
// draft it showed: the draft is published with the edit and cleared.
func (s *Service) UpdateItemFromDraft(ctx context.Context, who Actor, code string, edited models.Item, reason string, version int) (*models.Item, error) {
	return s.updateItem(ctx, who, code, edited, reason, version, true)
}

func (s *Service) updateItem(ctx context.Context, who Actor, code string, edited models.Item, reason string, version int, fromDraft bool) (*models.Item, error) {
	stored, err := s.itemFor(ctx, who, code, edited.DepartmentCode, policies.ActEdit)
	if err != nil {
		return nil, err
	}
	if err := s.allowWorkflow(ctx, who, stored, &edited, policies.ActEdit); err != nil {
		return nil, err
	}
	if err := s.checkStages(&edited); err != nil {
		return nil, err
	}
	update := s.Store.UpdateItem
	if fromDraft {
		update = s.Store.UpdateItemFromDraft
	}
	it, err := update(ctx, stored.Code, edited, who.Username, reason, version)
	return it, itemError(err)
}

// SaveItemDraft saves edited as the item's pending draft.
func (s *Service) SaveItemDraft(ctx context.Context, who Actor, code string, edited models.Item, reason string, version int) (*models.Draft, error) {
	stored, err := s.itemFor(ctx, who, code, edited.DepartmentCode, policies.ActEdit)
	if err != nil {
		return nil, err
	}
	if err := s.allowWorkflow(ctx, who, stored, &edited, policies.ActEdit); err != nil {
		return nil, err
	}
	if err := s.checkStages(&edited); err != nil {
		return nil, err
	}
	d, err := s.Store.SaveDraft(ctx, stored.Code, edited, who.Username, reason, version)
	return d, itemError(err)
}

// PublishItem publishes the item's pending draft (or a new item). A draft
// that moves the item to another department needs the permission there too.
func (s *Service) PublishItem(ctx context.Context, who Actor, code, reason string, version int) (*models.Item, error) {
	stored, draft, err := s.loadItem(ctx, code)
	if err != nil {
		return nil, err
	}
	newDept := ""
	if draft != nil && draft.Item != nil {
		newDept = draft.Item.DepartmentCode
	}
	if err := s.allowItem(ctx, who, stored, newDept, policies.ActPublish); err != nil {
		return nil, err
	}
	if draft != nil && draft.Item != nil {
		if err := s.allowWorkflow(ctx, who, stored, draft.Item, policies.ActPublish); err != nil {
			return nil, err
		}
	}
	it, err := s.Store.PublishItem(ctx, stored.Code, who.Username, reason, version)
	return it, itemError(err)
}

// SetDisposition cancels, merges, delegates or retains the item.
func (s *Service) SetDisposition(ctx context.Context, who Actor, code string, change models.DispositionChange, version int) (*models.Item, error) {
	stored, err := s.itemFor(ctx, who, code, "", policies.ActDispose)
	if err != nil {
		return nil, err
	}
	it, err := s.Store.SetDisposition(ctx, stored.Code, change, who.Username, version)
	return it, itemError(err)
}

// CreateItem stores a new, unpublished item. The item's department decides
// the permission; a department that does not exist is refused by the
// store's rules, as a field, for anyone who may create items somewhere.
func (s *Service) CreateItem(ctx context.Context, who Actor, it models.Item, reason string) (*models.Item, error) {
	dept := it.DepartmentCode
	_, err := s.Store.Department(ctx, dept)
	switch {
	case errors.Is(err, models.ErrNotFound):
		if len(s.Authz.Domains(who.Username, policies.ObjItem, policies.ActCreate)) == 0 {
			return nil, forbidden(policies.ActCreate, policies.ObjItem)
		}
	case err != nil:
		return nil, err
	default:
		if err := s.allow(ctx, who, dept, policies.ObjItem, policies.ActCreate); err != nil {
			return nil, err
		}
	}
	if err := s.allowWorkflow(ctx, who, &models.Item{DepartmentCode: dept}, &it, policies.ActCreate); err != nil {
		return nil, err
	}
	if err := s.checkStages(&it); err != nil {
		return nil, err
	}
	created, err := s.Store.CreateItem(ctx, it, who.Username, reason)
	return created, itemError(err)
}

// allowWorkflow checks verb in every department an edit adds to or removes from the item's
// workflow (a joint item's departments): a department's catalogue administrator may not
// hand work to, or take it from, another department. An unknown department is left to the
// store's rules, which refuse it as a field.
func (s *Service) allowWorkflow(ctx context.Context, who Actor, stored, edited *models.Item, verb string) error {
	before := map[string]bool{}
	for _, d := range stored.Departments {
		before[d.DepartmentCode] = true
	}
	after := map[string]bool{}
	for _, d := range edited.Departments {
		after[d.DepartmentCode] = true
	}
	check := func(dept string) error {
		if _, err := s.Store.Department(ctx, dept); errors.Is(err, models.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return s.allow(ctx, who, dept, policies.ObjItem, verb)
	}
	for dept := range after {
		if !before[dept] && dept != stored.DepartmentCode {
			if err := check(dept); err != nil {
				return err
			}
		}
	}
	for dept := range before {
		if !after[dept] && dept != edited.DepartmentCode {
			if err := check(dept); err != nil {
				return err
			}
		}
	}
	return nil
}

// itemFor loads the item of code and checks every verb in its department
// and, when newDept moves it, in newDept too.
func (s *Service) itemFor(ctx context.Context, who Actor, code, newDept string, verbs ...string) (*models.Item, error) {
	stored, _, err := s.loadItem(ctx, code)
	if err != nil {
		return nil, err
	}
	return stored, s.allowItem(ctx, who, stored, newDept, verbs...)
}

// loadItem reads the stored item of code and its pending draft, if any.
func (s *Service) loadItem(ctx context.Context, code string) (*models.Item, *models.Draft, error) {
	stored, draft, err := s.Store.AdminItem(ctx, code)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, &Error{Kind: NotFound, Message: "item not found", Err: err}
	}
	return stored, draft, err
}

// allowItem checks every verb in the item's department and, when newDept
// moves it, in newDept too.
func (s *Service) allowItem(ctx context.Context, who Actor, stored *models.Item, newDept string, verbs ...string) error {
	for _, verb := range verbs {
		if err := s.allow(ctx, who, stored.DepartmentCode, policies.ObjItem, verb); err != nil {
			return err
		}
		if newDept != "" && newDept != stored.DepartmentCode {
			if err := s.allow(ctx, who, newDept, policies.ObjItem, verb); err != nil {
				return err
			}
		}
	}
	return nil
}

// allow checks one permission of the actor.
func (s *Service) allow(ctx context.Context, who Actor, dept, obj, verb string) error {
	if who.Username == "" {
		return &Error{Kind: Unauthenticated, Message: "log in first"}
	}
	ok, err := s.Authz.Can(ctx, who.Username, dept, obj, verb)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden(verb, obj)
	}
	return nil
}

func forbidden(verb, obj string) *Error {
	return &Error{Kind: Forbidden, Message: "you may not " + verb + " this " + obj}
}

// itemError turns the store's refusal of an item's fields into Invalid,
// keeping the *models.ValidationError as the cause; other errors pass.
func itemError(err error) error {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return &Error{Kind: Invalid, Message: "some fields are invalid", Fields: ve.Fields, Err: err}
	}
	return err
}

// SetItemForm stores the item's application form (nil: back to the default form) as its
// next version, with the edit permission in the item's department. A schema with problems
// is Invalid with fields keyed "form.<path>".
func (s *Service) SetItemForm(ctx context.Context, who Actor, code string, schema *form.Schema, reason string, version int) (*models.Item, error) {
	stored, err := s.itemFor(ctx, who, code, "", policies.ActEdit)
	if err != nil {
		return nil, err
	}
	it, err := s.Store.SetItemForm(ctx, stored.Code, schema, who.Username, reason, version)
	return it, itemError(err)
}

// PutFormDictionary creates or replaces a form dictionary; dictionaries serve every
// department's forms, so it takes the edit permission in all of them.
func (s *Service) PutFormDictionary(ctx context.Context, who Actor, d models.FormDictionary) (*models.FormDictionary, error) {
	if err := s.allow(ctx, who, policies.AllDomains, policies.ObjItem, policies.ActEdit); err != nil {
		return nil, err
	}
	out, err := s.Store.PutFormDictionary(ctx, who.Username, d)
	return out, itemError(err)
}
