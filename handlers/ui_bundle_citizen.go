package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/models/form"
	"onewindow/models/search"
	"onewindow/workflow"
)

// The applicant's 一件事 pages: the bundles, one bundle's page (items,
// departments, merged materials), the merged form (一表申请) filed online,
// and the receipt with the one number and query code.

// bundleItemRow is one item of a bundle on a page.
type bundleItemRow struct {
	Code, Name, Department string
	Immediate              bool
	PromisedDays           *int
}

// bundleMaterialRow is one line of the merged materials list on a page.
type bundleMaterialRow struct {
	Key, Name, Necessity string
	Items                []string // the names of the items that list it
	Exempt               bool     // 免交: the applicant handed it in before
	Provided             bool     // the window's checklist
	Error                string
}

// bundlePage is the data of a bundle's page.
type bundlePage struct {
	Bundle      *models.Bundle
	Name        string
	Description string
	Items       []bundleItemRow
	Materials   []bundleMaterialRow
	Fields      []bundleField
}

// bundleListPage is the data of the list of bundles.
type bundleListPage struct {
	Bundles []bundleListRow
}

type bundleListRow struct {
	Code, Name, Description string
	Items                   []bundleItemRow
}

func (s *Server) bundleItems(bf *service.BundleForm) []bundleItemRow {
	ref := s.ref.Load()
	out := make([]bundleItemRow, 0, len(bf.Items))
	for _, it := range bf.Items {
		out = append(out, bundleItemRow{Code: it.Code, Name: it.Name, Department: ref.deptByKey[it.DepartmentCode].Name,
			Immediate: it.HandlingKind == models.KindImmediate, PromisedDays: it.PromisedDays})
	}
	return out
}

// bundleMaterials is the merged materials list; exempt names the materials
// the applicant handed in on an earlier application.
func bundleMaterials(bf *service.BundleForm, exempt map[string]bool) []bundleMaterialRow {
	out := make([]bundleMaterialRow, 0, len(bf.Merged.Materials))
	for _, m := range bf.Merged.Materials {
		row := bundleMaterialRow{Key: m.Key, Name: m.Name, Necessity: m.Necessity, Exempt: exempt[m.Name]}
		for _, it := range bf.Items {
			if _, ok := m.Items[it.Code]; ok {
				row.Items = append(row.Items, it.Name)
			}
		}
		out = append(out, row)
	}
	return out
}

// uiBundles lists the published bundles.
func (s *Server) uiBundles(c *gin.Context) error {
	list, err := s.store.Bundles(c.Request.Context(), true)
	if err != nil {
		return err
	}
	lang := langOf(c)
	var p bundleListPage
	for _, b := range list {
		bf, err := s.actions().PublishedBundle(c.Request.Context(), b.Code)
		if err != nil {
			continue // a bundle whose items take no application now is not offered
		}
		p.Bundles = append(p.Bundles, bundleListRow{Code: b.Code, Name: b.NameIn(lang), Description: b.Description,
			Items: s.bundleItems(bf)})
	}
	s.render(c, http.StatusOK, "bundle_list", s.site.T(lang, "bundle.list.title"), "bundles", p)
	return nil
}

// citizenBundle loads the published bundle of the URL; a bundle whose items
// take no application now is a page that says so.
func (s *Server) citizenBundle(c *gin.Context) (*service.BundleForm, error) {
	bf, err := s.actions().PublishedBundle(c.Request.Context(), c.Param("code"))
	var se *service.Error
	if errors.As(err, &se) && se.Kind == service.Invalid {
		lang := langOf(c)
		heading := s.site.T(lang, "bundle.unavailable")
		s.render(c, http.StatusConflict, "error", heading, "items",
			errorPage{Status: http.StatusConflict, Heading: heading, Message: s.site.T(lang, "bundle.unavailable_message")})
		return nil, nil
	}
	return bf, err
}

// uiBundle is a bundle's page: what it bundles, who decides, what to bring.
func (s *Server) uiBundle(c *gin.Context) error {
	bf, err := s.citizenBundle(c)
	if bf == nil {
		return err
	}
	lang := langOf(c)
	p := bundlePage{Bundle: bf.Bundle, Name: bf.Bundle.NameIn(lang), Description: bf.Bundle.Description,
		Items: s.bundleItems(bf), Materials: bundleMaterials(bf, nil), Fields: s.bundleFields(lang, bf, form.Values{}, nil)}
	s.render(c, http.StatusOK, "bundle_page", p.Name, "items", p)
	return nil
}

// bundleApplicant is the applicant block of the merged form.
type bundleApplicant struct {
	Kind     string `form:"kind"`
	Name     string `form:"name"`
	IDNumber string `form:"id_number"`
	Phone    string `form:"phone"`
	Address  string `form:"address"`
	Token    string `form:"form_token"`
}

func (a *bundleApplicant) normalize() {
	for _, v := range []*string{&a.Kind, &a.Name, &a.IDNumber, &a.Phone, &a.Address, &a.Token} {
		*v = strings.TrimSpace(*v)
	}
}

func (a bundleApplicant) input() service.ApplicantInput {
	return service.ApplicantInput{Kind: a.Kind, Name: a.Name, IDNumber: a.IDNumber, Phone: a.Phone, Address: a.Address}
}

// bundleApplyPage is the data of the merged form, online or at the window.
type bundleApplyPage struct {
	Window      bool
	Action      string
	Code        string
	Name        string
	Description string
	Items       []bundleItemRow
	Applicant   bundleApplicant
	Kinds       []string
	Fields      []bundleField
	Materials   []bundleMaterialRow
	Errors      map[string]string // applicant fields and uploads → message
	Alert       string
	LimitMB     int64
	Bundles     []bundleListRow // the window's choice when none is chosen
}

func (s *Server) newBundleApplyPage(c *gin.Context, bf *service.BundleForm, a bundleApplicant, v form.Values, issues form.Issues) bundleApplyPage {
	lang := langOf(c)
	p := bundleApplyPage{Action: "/bundles/" + bf.Bundle.Code + "/apply", Code: bf.Bundle.Code, Name: bf.Bundle.NameIn(lang),
		Description: bf.Bundle.Description, Items: s.bundleItems(bf), Applicant: a,
		Kinds: []string{models.ApplicantPerson, models.ApplicantOrganisation}, Errors: map[string]string{},
		LimitMB: s.uploadLimit >> 20}
	p.Fields = s.bundleFields(lang, bf, v, issues)
	exempt, _ := s.store.ProvidedMaterials(c.Request.Context(), workflow.NormalizeID(a.IDNumber))
	p.Materials = bundleMaterials(bf, exempt)
	return p
}

func (s *Server) renderBundleApply(c *gin.Context, status int, p bundleApplyPage) {
	c.Header("Cache-Control", "no-store")
	nav := "items"
	if p.Window {
		nav = "staff"
	}
	s.render(c, status, "bundle_apply", s.site.T(langOf(c), "bundle.apply.title", p.Name), nav, p)
}

// uiBundleApplyForm shows the merged form (一表申请).
func (s *Server) uiBundleApplyForm(c *gin.Context) error {
	bf, err := s.citizenBundle(c)
	if bf == nil {
		return err
	}
	token, err := newSecret()
	if err != nil {
		return err
	}
	a := bundleApplicant{Kind: models.ApplicantPerson, Token: token}
	if p := principalOf(c); p != nil && p.user.CitizenID != "" {
		a.Name, a.IDNumber = p.user.DisplayName, p.user.CitizenID
	}
	s.renderBundleApply(c, http.StatusOK, s.newBundleApplyPage(c, bf, a, form.Values{}, nil))
	return nil
}

// uiBundleApply files the bundle online: the service's validation (each
// item's form, problems named by the merged field), every upload sniffed
// first, the form's token as the Idempotency-Key, then PRG to the receipt.
func (s *Server) uiBundleApply(c *gin.Context) error {
	bf, err := s.citizenBundle(c)
	if bf == nil {
		return err
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, int64(len(bf.Merged.Materials)+1)*s.uploadLimit+1<<20)
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		return s.bodyError(c, err)
	}
	var a bundleApplicant
	if err := bindForm(c, &a); err != nil {
		return err
	}
	a.normalize()
	in := service.BundleFiling{BundleCode: bf.Bundle.Code, Applicant: a.input(), Form: service.FormInput{Post: c.Request.PostForm}}
	files := s.bundleFiles(c, bf)
	p, ok, err := s.checkBundle(c, bf, a, in, files, true)
	if !ok {
		if err == nil {
			s.renderBundleApply(c, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	if wait := s.filingWait(c); wait > 0 {
		p.Alert = s.filingLimitMessage(c, wait)
		s.renderBundleApply(c, http.StatusTooManyRequests, p)
		return nil
	}
	in.Idem = bundleIdempotency(a, bf.Bundle.Code, c.Request.PostForm)
	filed, err := s.actions().FileBundle(c.Request.Context(), actorOf(c), in)
	if errors.Is(err, models.ErrIdempotencyMismatch) {
		return s.renderAlreadySubmitted(c)
	}
	if err != nil {
		return err
	}
	if !filed.Replayed {
		s.countFiling(c)
		s.addBundleFiles(c, service.Actor{QueryCode: filed.QueryCode}, filed.Number, p.Materials, files)
	}
	s.setBundleReceiptCookie(c, filed.Number, filed.QueryCode)
	c.Redirect(http.StatusSeeOther, bundleReceiptPath(filed.Number))
	return nil
}

// checkBundle validates a posted merged form and its uploads; when refused
// it returns the page to show again with every problem. Online (online
// true) every required (必要) material needs a file unless the applicant
// handed it in before (免交), as on a single item's apply page; the window
// registers with its own checklist.
func (s *Server) checkBundle(c *gin.Context, bf *service.BundleForm, a bundleApplicant, in service.BundleFiling,
	files map[string]*multipart.FileHeader, online bool) (bundleApplyPage, bool, error) {
	lang := langOf(c)
	_, _, err := s.actions().CheckBundleFiling(c.Request.Context(), in)
	var se *service.Error
	if err != nil && !(errors.As(err, &se) && se.Kind == service.Invalid) {
		return bundleApplyPage{}, false, err
	}
	var issues form.Issues
	if se != nil {
		issues = se.Form
	}
	p := s.newBundleApplyPage(c, bf, a, form.FromForm(&bf.Merged.Schema, c.Request.PostForm), issues)
	if se != nil {
		for k, msg := range se.Fields {
			if name, ok := strings.CutPrefix(k, "applicant."); ok {
				p.Errors[name] = s.applicantMessage(lang, a, name, msg)
			} else if k == "bundle_code" {
				p.Errors[k] = msg
			}
		}
	}
	for i := range p.Materials {
		m := &p.Materials[i]
		m.Provided = in.Materials[m.Key].Provided // the window's ticks stay ticked
		if fh := files[m.Key]; fh != nil {
			if _, err := s.sniffUpload(fh); err != nil {
				m.Error = s.uploadMessage(lang, err)
			}
		} else if online && m.Necessity == models.NecessityRequired && !m.Exempt {
			m.Error = s.site.T(lang, "citizen.err.file_required")
		}
		if m.Error != "" {
			p.Errors["file_"+m.Key] = m.Error
		}
	}
	if len(p.Errors) > 0 || len(issues) > 0 {
		p.Alert = s.site.T(lang, "bundle.apply.has_errors")
		return p, false, nil
	}
	return p, true, nil
}

// applicantMessage translates the service's problem with an applicant field.
func (s *Server) applicantMessage(lang string, a bundleApplicant, field, msg string) string {
	switch field {
	case "id_number":
		return s.site.T(lang, s.idCheckKey(a.Kind, a.IDNumber))
	case "kind":
		return s.site.T(lang, "bundle.err.kind")
	case "name":
		return s.site.T(lang, "bundle.err.name")
	}
	return s.site.T(lang, "bundle.err.too_long")
}

// bundleFiles picks the uploaded file of each merged material.
func (s *Server) bundleFiles(c *gin.Context, bf *service.BundleForm) map[string]*multipart.FileHeader {
	out := map[string]*multipart.FileHeader{}
	for _, m := range bf.Merged.Materials {
		if fh := formFile(c, "file_"+m.Key); fh != nil {
			out[m.Key] = fh
		}
	}
	return out
}

// addBundleFiles stores the uploads of a new bundle filing, each for every
// child that lists its material; a material handed in on an earlier
// application (免交) and not uploaded again is attached from there.
func (s *Server) addBundleFiles(c *gin.Context, who service.Actor, number string, mats []bundleMaterialRow, files map[string]*multipart.FileHeader) {
	ctx := c.Request.Context()
	var earlier map[string]models.AppFile
	for _, m := range mats {
		fh := files[m.Key]
		if fh == nil && m.Exempt {
			if earlier == nil {
				f, err := s.store.BundleFiling(ctx, number)
				if err != nil {
					_ = c.Error(err)
					return
				}
				earlier, _ = s.store.ProvidedFiles(ctx, f.ApplicantIDNumber)
			}
			if old, ok := earlier[m.Name]; ok {
				old.ID, old.ApplicationID = 0, 0
				if err := s.actions().AddBundleFile(ctx, who, number, m.Key, old); err != nil {
					_ = c.Error(err)
				}
			}
			continue
		}
		if fh == nil {
			continue
		}
		// The files were checked; a failure now is the disk's, and the filing
		// stands: the status lists what arrived, the window asks for the rest.
		if err := s.storeBundleFile(c, who, number, m.Key, fh); err != nil {
			_ = c.Error(err)
		}
	}
}

// storeBundleFile checks and stores one upload for a merged material.
func (s *Server) storeBundleFile(c *gin.Context, who service.Actor, number, key string, fh *multipart.FileHeader) error {
	ctype, err := s.sniffUpload(fh)
	if err != nil {
		return err
	}
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	sum, size, err := s.files.Put(c.Request.Context(), src, s.uploadLimit)
	if err != nil {
		return err
	}
	name := fh.Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if len(name) > 200 {
		name = "upload" + uploadTypes[ctype]
	}
	return s.actions().AddBundleFile(c.Request.Context(), who, number, key, models.AppFile{SHA256: sum, Size: size,
		ContentType: ctype, DisplayName: name})
}

// bundleIdempotency keys an online bundle filing by the form's token; the
// request hash covers every posted answer.
func bundleIdempotency(a bundleApplicant, code string, post url.Values) *models.Idempotency {
	if a.Token == "" || len(a.Token) > formTokenMax {
		return nil
	}
	keys := make([]string, 0, len(post))
	for k := range post {
		if k != "csrf_token" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	h := sha256.New()
	h.Write([]byte("bundle\x00" + code))
	for _, k := range keys {
		h.Write([]byte("\x00" + k + "=" + strings.Join(post[k], "\x01")))
	}
	return &models.Idempotency{Scope: "web:bundle", Key: a.Token, Request: hex.EncodeToString(h.Sum(nil))}
}

// The bundle's receipt gets its query code as the single receipt does: in
// a short-lived HttpOnly cookie scoped to the receipt's path, shown once.
const bundleReceiptCookie = "ow_bundle_receipt"

func bundleReceiptPath(number string) string { return "/bundle-receipt/" + number }

func (s *Server) setBundleReceiptCookie(c *gin.Context, number, code string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: bundleReceiptCookie, Value: code, Path: bundleReceiptPath(number),
		MaxAge: receiptMaxAge, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
}

// bundleReceiptPage is the receipt of a bundle filing.
type bundleReceiptPage struct {
	Number, Code, Name, Submitted, StateLabel string
	Children                                  []bundleChildView
	Departments                               map[string]string
}

// uiBundleReceipt shows the receipt right after filing, with the query
// code from the cookie; later, or to anyone else, it reads like an unknown number.
func (s *Server) uiBundleReceipt(c *gin.Context) error {
	number := c.Param("number")
	code, _ := c.Cookie(bundleReceiptCookie)
	if code == "" {
		return notFound("application")
	}
	f, err := s.bundleByCode(c, number, code)
	if err != nil {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: bundleReceiptCookie, Value: "", Path: bundleReceiptPath(number), MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
	lang := langOf(c)
	p := bundleReceiptPage{Number: f.Number, Code: code, Name: f.Definition.NameIn(lang), Submitted: citizenTime(f.SubmittedAt),
		StateLabel: s.site.T(lang, "bundle.state."+string(f.State)), Children: s.bundleChildrenOf(lang, f),
		Departments: s.departmentNames()}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "bundle_receipt", s.site.T(lang, "bundle.receipt.title"), "items", p)
	return nil
}

// departmentNames are the departments' full names by code.
func (s *Server) departmentNames() map[string]string {
	out := map[string]string{}
	for code, d := range s.ref.Load().deptByKey {
		out[code] = d.Name
	}
	return out
}

// bundleMatch is a published bundle a catalogue search found.
type bundleMatch struct {
	Code, Name, Description string
	Items                   []bundleItemRow
}

// matchingBundles are the published bundles a text search finds: the query
// in the bundle's name, description or an item's name (case-insensitive),
// or the search's first result one of its items or their main item
// (开饭店 → 食品经营许可 → 食品经营许可（新办）).
func (s *Server) matchingBundles(c *gin.Context, query string, res search.Result) []bundleMatch {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return nil
	}
	list, err := s.store.Bundles(c.Request.Context(), true)
	if err != nil {
		return nil // the item results stand on their own
	}
	var top search.Entry
	if len(res.Entries) > 0 {
		top = res.Entries[0]
	}
	lang := langOf(c)
	var out []bundleMatch
	for _, b := range list {
		bf, err := s.actions().PublishedBundle(c.Request.Context(), b.Code)
		if err != nil {
			continue
		}
		hit := strings.Contains(strings.ToLower(b.Name), q) || strings.Contains(strings.ToLower(b.NameEn), q) ||
			strings.Contains(strings.ToLower(b.Description), q)
		for _, it := range bf.Items {
			main, _, _ := strings.Cut(it.Name, "（") // 食品经营许可（新办） is a sub-item of 食品经营许可
			hit = hit || it.Code == top.Code || main == top.Name || strings.Contains(strings.ToLower(it.Name), q)
		}
		if hit {
			out = append(out, bundleMatch{Code: b.Code, Name: b.NameIn(lang), Description: b.Description, Items: s.bundleItems(bf)})
		}
	}
	return out
}
