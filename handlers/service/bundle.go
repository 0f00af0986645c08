package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/policies"
	"onewindow/workflow"
)

// 一件事一次办 bundles: one merged form and materials list for several items,
// one number for the applicant, one child application per item (同步审批),
// the window acting on the bundle as a whole (统一发证).

// BundleForm is a bundle's merged form over its published items, ready to
// read answers with, validate them and render the form.
type BundleForm struct {
	Bundle   *models.Bundle
	Items    []*models.Item
	Forms    []*ItemForm
	Merged   *models.MergedForm
	Compiled *form.Compiled // the merged form's, for its JSON Schema
	Dicts    form.Dicts
	// Definition is what a filing keeps of the bundle, Prepared the same
	// and the items' definitions encoded for the store.
	Definition *models.BundleDefinition
	Prepared   *models.PreparedBundle
}

// BundleCache keeps the merged form of each published bundle for the calls
// of a process, emptied when the catalogue or the accounts change (an item,
// a bundle, a department's staff). The zero value is ready.
type BundleCache struct {
	mu     sync.Mutex
	stamp  models.ChangeStamp
	byCode map[string]*BundleForm
}

// PublishedBundle returns the published bundle of a code with its merged
// form; an unknown or unpublished code is models.ErrNotFound, a bundle
// whose items take no application now an Invalid error.
func (s *Service) PublishedBundle(ctx context.Context, code string) (*BundleForm, error) {
	c := s.Bundles
	if c == nil {
		c = &BundleCache{}
	}
	stamp := s.Store.Changes()
	c.mu.Lock()
	if c.stamp != stamp || c.byCode == nil {
		c.stamp, c.byCode = stamp, map[string]*BundleForm{}
	}
	bf, ok := c.byCode[code]
	c.mu.Unlock()
	if ok {
		return bf, nil
	}
	b, err := s.Store.Bundle(ctx, code)
	if err != nil {
		return nil, err
	}
	if !b.Published {
		return nil, fmt.Errorf("service: bundle %q is not published: %w", code, models.ErrNotFound)
	}
	if bf, err = s.BundleForm(ctx, b); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.stamp == stamp {
		c.byCode[code] = bf
	}
	c.mu.Unlock()
	return bf, nil
}

// BundleForm merges the forms of the bundle's published items. An item that
// no longer takes applications, or a mapping that does not fit the items'
// forms, is an Invalid error naming it (keys items, mapping.<i>).
func (s *Service) BundleForm(ctx context.Context, b *models.Bundle) (*BundleForm, error) {
	return s.bundleForm(ctx, b.Items, b.Mapping, b)
}

func (s *Service) bundleForm(ctx context.Context, codes []string, mapping []models.BundleMapping, b *models.Bundle) (*BundleForm, error) {
	out := &BundleForm{Bundle: b}
	var parts []models.BundleItemForm
	for _, code := range codes {
		it, err := s.Item(ctx, code)
		switch {
		case errors.Is(err, models.ErrNotFound):
			return nil, bundleItemInvalid(fmt.Sprintf("no published item has the code %q", code), code, "", BundleItemUnknown)
		case err != nil:
			return nil, err
		case it.Reduced() || !it.OnApplication:
			return nil, bundleItemInvalid(fmt.Sprintf("%s (%s) is not filed on application", it.Name, code), code, it.Name, BundleItemNotOnApplication)
		}
		if msg := blockMessage(s.FilingBlocks(it)); msg != "" {
			return nil, bundleItemInvalid(fmt.Sprintf("%s (%s): %s", it.Name, code, msg), code, it.Name, BundleItemBlocked)
		}
		f, err := s.ItemForm(ctx, it)
		if err != nil {
			return nil, err
		}
		out.Items, out.Forms, out.Dicts = append(out.Items, it), append(out.Forms, f), f.Dicts
		parts = append(parts, models.BundleItemForm{Code: it.Code, Name: it.Name, Schema: f.Schema, Materials: it.Materials})
	}
	merged, err := models.MergeBundle(parts, mapping, out.Dicts)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return nil, &Error{Kind: Invalid, Message: "some fields are invalid", Fields: ve.Fields, Err: ve}
	}
	if err != nil {
		return nil, err
	}
	out.Merged = merged
	if out.Compiled, err = form.Compile(&merged.Schema, out.Dicts); err != nil {
		return nil, err
	}
	if b == nil {
		return out, nil
	}
	out.Definition = bundleDefinition(out)
	children := make([]models.NewApplication, len(out.Items))
	for i, it := range out.Items {
		children[i] = models.NewApplication{Item: it, Schema: filedSchema(out.Forms[i])}
	}
	if out.Prepared, err = models.PrepareBundle(out.Definition, children); err != nil {
		return nil, err
	}
	return out, nil
}

// BundleFiling is the input of a bundle filing, online or at the window.
type BundleFiling struct {
	BundleCode string
	Applicant  ApplicantInput
	// Form is the merged form's answers.
	Form FormInput
	// Materials is the window clerk's checklist by merged material key (m1, m2, …).
	Materials map[string]models.MaterialCheck
	Idem      *models.Idempotency
}

// CheckBundleFiling validates a bundle filing: the bundle, the applicant,
// the merged answers (unknown keys and wrong types) and each item's answers
// with the item's own form, its problems keyed by the merged field
// ("form.<merged key>"). It returns the store's input and the merged form.
func (s *Service) CheckBundleFiling(ctx context.Context, in BundleFiling) (*models.NewBundleFiling, *BundleForm, error) {
	fields := map[string]string{}
	bf, err := s.PublishedBundle(ctx, strings.TrimSpace(in.BundleCode))
	var e *Error
	switch {
	case errors.Is(err, models.ErrNotFound):
		fields["bundle_code"] = "no published bundle has this code"
	case errors.As(err, &e):
		fields["bundle_code"] = "the bundle takes no application now: " + strings.Join(mapValues(e.Fields), "; ")
	case err != nil:
		return nil, nil, err
	}
	applicant := checkApplicant(in.Applicant, s.Now(), fields)
	var (
		values form.Values
		issues form.Issues
		parts  []form.Values
	)
	if bf != nil && fields["bundle_code"] == "" {
		if values, err = in.Form.read(&ItemForm{Schema: &bf.Merged.Schema}); err != nil {
			return nil, nil, err
		}
		prefillFromApplicant(&ItemForm{Schema: &bf.Merged.Schema}, values, applicant)
		issues, parts = s.validateBundle(bf, values, applicant)
		for k, is := range issues {
			fields[k] = is.Message
		}
	}
	if len(fields) > 0 {
		e := invalid(fields)
		e.Form = issues
		return nil, bf, e
	}
	nb := &models.NewBundleFiling{Definition: bf.Definition, Prepared: bf.Prepared, Applicant: applicant,
		Form: models.FormData(values), Channel: models.ChannelOnline, Actor: "applicant", Idem: in.Idem, Now: s.Now()}
	for i, it := range bf.Items {
		nb.Children = append(nb.Children, models.NewApplication{Item: it, Applicant: applicant, Form: models.FormData(parts[i]),
			Schema: filedSchema(bf.Forms[i]), Provided: bf.Definition.ChildChecks(it.Code, in.Materials)})
	}
	return nb, bf, nil
}

// validateBundle checks the merged answers: keys the merged form lacks and
// values of the wrong JSON type first, then every item's projected answers
// with the item's form. It returns the issues by merged key (the first for
// each) and each item's answers.
func (s *Service) validateBundle(bf *BundleForm, values form.Values, applicant models.Applicant) (form.Issues, []form.Values) {
	issues := form.Issues{}
	for k, x := range values {
		if m, ok := x.(form.Mistyped); ok {
			issues[form.PostPrefix+m.Path] = form.Issue{Rule: form.RuleType, Args: map[string]string{"want": m.Want},
				Message: "must be a JSON " + m.Want}
			delete(values, k)
			continue
		}
		if bf.Merged.Schema.Field(k) == nil {
			issues[form.PostPrefix+k] = form.Issue{Rule: form.RuleUnknown, Message: fmt.Sprintf("the form has no field %q", k)}
		}
	}
	parts := make([]form.Values, len(bf.Items))
	now := s.Now()
	for i, f := range bf.Forms {
		parts[i] = bf.Merged.Project(i, f.Schema, values)
		prefillFromApplicant(f, parts[i], applicant)
		for k, is := range f.Compiled.Validate(parts[i], now) {
			if mk := bf.Merged.IssueKey(i, k); issues[mk].Rule == "" {
				issues[mk] = is
			}
		}
	}
	return issues, parts
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// filedSchema is the item form an application keeps: with the dictionaries'
// options written in, so that later changes of a dictionary change nothing
// of what was filed.
func filedSchema(f *ItemForm) *form.Schema {
	if f.Filed != nil {
		return f.Filed
	}
	return f.Schema
}

// bundleDefinition is what a filing keeps of the bundle.
func bundleDefinition(bf *BundleForm) *models.BundleDefinition {
	d := &models.BundleDefinition{Code: bf.Bundle.Code, Version: bf.Bundle.Version, Name: bf.Bundle.Name,
		NameEn: bf.Bundle.NameEn, Mapping: bf.Bundle.Mapping, MergedForm: *bf.Merged}
	d.Schema = *form.Resolve(&bf.Merged.Schema, bf.Dicts) // the options as they were when filed
	for _, it := range bf.Items {
		d.Items = append(d.Items, models.BundleItemRef{Code: it.Code, Name: it.Name, Department: it.DepartmentCode})
	}
	return d
}

// FileBundle files a bundle: online when the actor is anonymous or may not
// register applications of every item's department, a walk-in
// registration by the window when they may.
func (s *Service) FileBundle(ctx context.Context, who Actor, in BundleFiling) (*models.BundleFiled, error) {
	nb, _, err := s.CheckBundleFiling(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.setBundleChannel(ctx, who, nb); err != nil {
		return nil, err
	}
	return s.Store.CreateBundleFiling(ctx, *nb)
}

// RegisterBundle files a walk-in bundle as a window clerk; an actor who may
// not register applications of every item's department is Forbidden.
func (s *Service) RegisterBundle(ctx context.Context, who Actor, in BundleFiling) (*models.BundleFiled, error) {
	nb, _, err := s.CheckBundleFiling(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.setBundleChannel(ctx, who, nb); err != nil {
		return nil, err
	}
	if nb.Channel != models.ChannelWindow {
		return nil, &Error{Kind: Forbidden, Message: "only window clerks register walk-in applications"}
	}
	return s.Store.CreateBundleFiling(ctx, *nb)
}

func (s *Service) setBundleChannel(ctx context.Context, who Actor, nb *models.NewBundleFiling) error {
	nb.Channel, nb.Actor, nb.Role = models.ChannelOnline, "applicant", ""
	// As for a single filing: the stored profile is updated by the number's own
	// citizen account or by the window, never by an anonymous filing.
	nb.UpdateProfile = who.CitizenID != "" && who.CitizenID == nb.Applicant.IDNumber
	if who.Username == "" {
		return nil
	}
	for _, c := range nb.Children {
		ok, err := s.Authz.Can(ctx, who.Username, c.Item.DepartmentCode, policies.ObjApplication, policies.ActRegister)
		if err != nil || !ok {
			return err
		}
	}
	nb.Channel, nb.Actor, nb.Role, nb.UpdateProfile = models.ChannelWindow, who.Username, string(policies.WindowClerk), true
	return nil
}

// BundleActionInput is what an action on a bundle carries besides its target.
type BundleActionInput struct {
	Comment string
	// Fields are the action's fields for every child: reason, missing,
	// delivery, tracking_number.
	Fields map[string]string
	// Results are the result numbers (证照编号) at issue, by child number.
	Results map[string]string
	// Materials is the window's checklist at acceptance, by merged material key.
	Materials map[string]models.MaterialCheck
	Idem      *models.Idempotency
}

// ActOnBundle takes the action act on the bundle filing number as a whole,
// as who, if the filing is still at version (0: the applicant's own
// actions). Each child takes the action through the single-action path,
// authorized inside the store's transaction (workflow.ChooseActing).
func (s *Service) ActOnBundle(ctx context.Context, who Actor, number string, act workflow.Action, version int, in BundleActionInput) (*models.BundleFiling, error) {
	if err := (ActionInput{Comment: in.Comment}).Validate(); err != nil {
		return nil, err
	}
	caller, actor, err := s.caller(who, "")
	if err != nil {
		return nil, err
	}
	req := models.BundleActionRequest{Number: number, Action: act, Version: version, Actor: actor,
		Comment: strings.TrimSpace(in.Comment), Fields: in.Fields, Checks: in.Materials, Cal: s.Cal, Now: s.Now(),
		Idem: in.Idem, Caller: caller}
	if len(in.Results) > 0 {
		req.ChildFields = map[string]map[string]string{}
		for n, r := range in.Results {
			req.ChildFields[n] = map[string]string{"result_number": strings.TrimSpace(r)}
		}
	}
	f, err := s.Store.ActOnBundle(ctx, req)
	return f, actionError(err)
}

// AddBundleFile records a stored file against a merged material of the
// bundle filing number: for every child that lists it. The applicant gives
// the bundle's query code; staff may read the bundle's applications.
func (s *Service) AddBundleFile(ctx context.Context, who Actor, number, material string, f models.AppFile) error {
	var bf *models.BundleFiling
	var err error
	if who.QueryCode != "" {
		bf, err = s.Store.BundleFilingByCode(ctx, number, strings.ToUpper(strings.TrimSpace(who.QueryCode)))
		if errors.Is(err, models.ErrNotFound) {
			return wrongCode(err)
		}
	} else {
		bf, err = s.Store.BundleFiling(ctx, number)
		if err == nil {
			err = s.allow(ctx, who, policies.AllDomains, policies.ObjApplication, policies.ActRegister)
		}
	}
	if err != nil {
		return err
	}
	if bf.State != models.BundleSubmitted && bf.State != models.BundleSupplementRequired && bf.State != models.BundleAccepted {
		return &Error{Kind: Closed, Message: "the bundle is closed"}
	}
	var mat *models.MergedMaterial
	for i := range bf.Definition.Materials {
		if bf.Definition.Materials[i].Key == material {
			mat = &bf.Definition.Materials[i]
		}
	}
	if mat == nil {
		return invalid(map[string]string{"material": "is not a material listed for this bundle"})
	}
	f.UploadedBy, f.CreatedAt = who.Username, s.Now().UTC()
	if f.UploadedBy == "" {
		f.UploadedBy = "applicant"
	}
	for _, child := range bf.Children {
		key, ok := mat.Items[child.ItemCode]
		if !ok || child.State.Final() || child.State.Decided() {
			continue
		}
		f.MaterialKey = key
		if _, err := s.Store.AddFile(ctx, child.Number, f); err != nil {
			return err
		}
	}
	return nil
}

// SaveBundle creates (version 0) or edits a bundle after checking that its
// items take applications and that their forms merge under its mapping.
// The caller has authorized the catalogue administrator.
func (s *Service) SaveBundle(ctx context.Context, who Actor, in models.BundleInput, version int) (*models.Bundle, error) {
	in = models.NormalizeBundle(in)
	if err := models.ValidateBundle(in); err != nil {
		return nil, err
	}
	if _, err := s.bundleForm(ctx, in.Items, in.Mapping, nil); err != nil {
		return nil, err
	}
	if version == 0 {
		return s.Store.CreateBundle(ctx, who.Username, in, s.Now())
	}
	return s.Store.UpdateBundle(ctx, who.Username, in, version, s.Now())
}

// Why an item cannot be one of a bundle's (BundleItemError.Rule).
const (
	BundleItemUnknown          = "unknown"            // no published item has the code
	BundleItemNotOnApplication = "not_on_application" // reduced, or not filed on application
	BundleItemBlocked          = "blocked"            // its guide does not let anyone file it now
)

// BundleItemError names the item a bundle cannot hold, for the pages to
// explain in the reader's language; it is the cause of an Invalid "items".
type BundleItemError struct{ Code, Name, Rule string }

func (e *BundleItemError) Error() string { return "item " + e.Code + ": " + e.Rule }

func bundleItemInvalid(msg, code, name, rule string) *Error {
	return &Error{Kind: Invalid, Message: "some fields are invalid", Fields: map[string]string{"items": msg},
		Err: &BundleItemError{Code: code, Name: name, Rule: rule}}
}
