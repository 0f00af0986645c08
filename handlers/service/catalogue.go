package service

import (
	"context"
	"errors"

	"onewindow/models"
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
	stored, err := s.itemFor(ctx, who, code, edited.DepartmentCode, policies.ActEdit)
	if err != nil {
		return nil, err
	}
	it, err := s.Store.UpdateItem(ctx, stored.Code, edited, who.Username, reason, version)
	return it, itemError(err)
}

// SaveItemDraft saves edited as the item's pending draft.
func (s *Service) SaveItemDraft(ctx context.Context, who Actor, code string, edited models.Item, reason string, version int) (*models.Draft, error) {
	stored, err := s.itemFor(ctx, who, code, edited.DepartmentCode, policies.ActEdit)
	if err != nil {
		return nil, err
	}
	d, err := s.Store.SaveDraft(ctx, stored.Code, edited, who.Username, reason, version)
	return d, itemError(err)
}

// PublishItem publishes the item's pending draft (or a new item).
func (s *Service) PublishItem(ctx context.Context, who Actor, code, reason string, version int) (*models.Item, error) {
	stored, err := s.itemFor(ctx, who, code, "", policies.ActPublish)
	if err != nil {
		return nil, err
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
// the permission; an unknown department is refused by the store's rules, as
// a field, for anyone who may create items somewhere.
func (s *Service) CreateItem(ctx context.Context, who Actor, it models.Item, reason string) (*models.Item, error) {
	dept := it.DepartmentCode
	if !s.Known().Departments[dept] {
		if len(s.Authz.Domains(who.Username, policies.ObjItem, policies.ActCreate)) == 0 {
			return nil, forbidden(policies.ActCreate, policies.ObjItem)
		}
	} else if err := s.allow(ctx, who, dept, policies.ObjItem, policies.ActCreate); err != nil {
		return nil, err
	}
	created, err := s.Store.CreateItem(ctx, it, who.Username, reason)
	return created, itemError(err)
}

// itemFor loads the item of code and checks every verb in its department
// and, when newDept moves it, in newDept too.
func (s *Service) itemFor(ctx context.Context, who Actor, code, newDept string, verbs ...string) (*models.Item, error) {
	stored, _, err := s.Store.AdminItem(ctx, code)
	if errors.Is(err, models.ErrNotFound) {
		return nil, &Error{Kind: NotFound, Message: "item not found", Err: err}
	}
	if err != nil {
		return nil, err
	}
	for _, verb := range verbs {
		if err := s.allow(ctx, who, stored.DepartmentCode, policies.ObjItem, verb); err != nil {
			return nil, err
		}
		if newDept != "" && newDept != stored.DepartmentCode {
			if err := s.allow(ctx, who, newDept, policies.ObjItem, verb); err != nil {
				return nil, err
			}
		}
	}
	return stored, nil
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
