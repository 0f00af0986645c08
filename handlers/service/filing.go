package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"onewindow/models"
	"onewindow/models/form"
	"onewindow/policies"
	"onewindow/workflow"
)

// Filing is the input of a new application, online or at the window.
type Filing struct {
	ItemCode  string
	Applicant ApplicantInput
	// Form is the application form's answers, read with the item's form.
	Form FormInput
	// Materials is the window clerk's checklist, by material key.
	Materials map[string]models.MaterialCheck
	Idem      *models.Idempotency
	// Notify is how the applicant wants to hear of the application.
	Notify NotifyInput
	// Pledge files the applicant's 告知承诺 (the item must take one): ticked
	// online, chosen at the window to be printed and signed.
	Pledge bool
}

// ApplicantInput is who an application is filed for.
type ApplicantInput struct {
	Kind     string
	Name     string
	IDNumber string
	Phone    string
	Address  string
}

// CheckFiling validates a filing against the published catalogue and
// returns the store's input; the field errors of an Invalid error are keyed
// as in the API (item_code, applicant.id_number, form.<key>). The online
// form and the window's intake form call it to show every problem at once.
func (s *Service) CheckFiling(ctx context.Context, in Filing) (*models.NewApplication, error) {
	fields := map[string]string{}
	it, err := s.Item(ctx, strings.TrimSpace(in.ItemCode))
	switch {
	case errors.Is(err, models.ErrNotFound):
		fields["item_code"] = "no published item has this code"
	case err != nil:
		return nil, err
	case it.Reduced() || !it.OnApplication:
		fields["item_code"] = "this item is not filed on application"
	default:
		if msg := blockMessage(s.FilingBlocks(it)); msg != "" {
			fields["item_code"] = msg
		}
	}
	if in.Pledge && it != nil && !it.PledgeAllowed && fields["item_code"] == "" {
		fields["pledge"] = "this item takes no pledge (告知承诺)"
	}
	applicant := checkApplicant(in.Applicant, s.Now(), fields)
	notify := s.checkNotify(ctx, in.Notify, applicant, fields)
	var (
		f      *ItemForm
		values form.Values
		issues form.Issues
	)
	if it != nil && fields["item_code"] == "" {
		if f, err = s.ItemForm(ctx, it); err != nil {
			return nil, err
		}
		if values, err = in.Form.read(f); err != nil {
			return nil, err
		}
		prefillFromApplicant(f, values, applicant)
		issues = f.Compiled.Validate(values, s.Now())
		for k, is := range issues {
			fields[k] = is.Message
		}
	}
	if len(fields) > 0 {
		e := invalid(fields)
		e.Form = issues
		return nil, e
	}
	return &models.NewApplication{Item: it, Form: models.FormData(values), Schema: f.Filed, Provided: in.Materials,
		Now: s.Now(), Idem: in.Idem, Channel: models.ChannelOnline, Actor: "applicant", Applicant: applicant,
		Notify: notify, Pledge: in.Pledge}, nil
}

// checkApplicant validates who a filing is for (a single item's or a bundle's), adding
// its problems to fields keyed applicant.<field>.
func checkApplicant(a ApplicantInput, now time.Time, fields map[string]string) models.Applicant {
	idKind := workflow.ResidentID
	switch a.Kind {
	case models.ApplicantPerson:
	case models.ApplicantOrganisation:
		idKind = workflow.CreditCode
	default:
		fields["applicant.kind"] = "must be person or organisation"
	}
	id := workflow.NormalizeID(a.IDNumber)
	if err := workflow.ValidateID(idKind, id, now); err != nil {
		fields["applicant.id_number"] = idMessage(err)
	}
	name := strings.TrimSpace(a.Name)
	if name == "" || len([]rune(name)) > 100 {
		fields["applicant.name"] = "is required (at most 100 characters)"
	}
	if len(a.Phone) > 30 || len(a.Address) > 200 {
		fields["applicant.phone"] = "is too long"
	}
	return models.Applicant{Kind: a.Kind, IDKind: string(idKind), IDNumber: id, Name: name,
		Phone: strings.TrimSpace(a.Phone), Address: strings.TrimSpace(a.Address)}
}

// idMessage names the failed check of an identity number.
func idMessage(err error) string {
	var ie *workflow.IDError
	if errors.As(err, &ie) {
		return ie.Error()
	}
	return err.Error()
}

// File files an application: online when the actor is anonymous or may
// not register applications of the item's department, a walk-in
// registration by the window when they may.
func (s *Service) File(ctx context.Context, who Actor, in Filing) (*models.Filed, error) {
	na, err := s.CheckFiling(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.setChannel(ctx, who, na); err != nil {
		return nil, err
	}
	return s.Store.CreateApplication(ctx, *na)
}

// Register files a walk-in application as a window clerk; an actor who may
// not register applications of the item's department is Forbidden.
func (s *Service) Register(ctx context.Context, who Actor, in Filing) (*models.Filed, error) {
	na, err := s.CheckFiling(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.setChannel(ctx, who, na); err != nil {
		return nil, err
	}
	if na.Channel != models.ChannelWindow {
		return nil, &Error{Kind: Forbidden, Message: "only window clerks register walk-in applications"}
	}
	return s.Store.CreateApplication(ctx, *na)
}

// setChannel decides online versus window filing from the actor.
func (s *Service) setChannel(ctx context.Context, who Actor, na *models.NewApplication) error {
	na.Channel, na.Actor, na.Role = models.ChannelOnline, "applicant", ""
	// The stored profile (name, phone, address) belongs to whoever proved the number: the
	// citizen account holding it, or the window that saw the document. An anonymous
	// filing under someone's number changes nothing of theirs.
	na.UpdateProfile = who.CitizenID != "" && who.CitizenID == na.Applicant.IDNumber
	if who.Username == "" {
		return nil
	}
	ok, err := s.Authz.Can(ctx, who.Username, na.Item.DepartmentCode, policies.ObjApplication, policies.ActRegister)
	if err != nil {
		return err
	}
	if ok {
		na.Channel, na.Actor, na.Role = models.ChannelWindow, who.Username, string(policies.WindowClerk)
		na.UpdateProfile = true
	}
	return nil
}

// blockMessage says why an item takes no application ("" when it does).
func blockMessage(blocks []string) string {
	var gaps []string
	for _, b := range blocks {
		switch b {
		case BlockSubItems:
			return "this is a main item: apply for one of its sub-items (新办, 变更, 延续, 注销 …)"
		case BlockUnstaffed:
			if len(gaps) == 0 {
				return "no staff handle this item's department yet; it takes no application until accounts are set up"
			}
		default:
			gaps = append(gaps, b)
		}
	}
	if len(gaps) == 0 {
		return ""
	}
	// Unknown is not zero: without published limits and materials nobody
	// could promise the applicant anything.
	return "this item's service guide does not yet publish " + strings.Join(gaps, ", ") +
		"; it takes no application until the department completes it"
}
