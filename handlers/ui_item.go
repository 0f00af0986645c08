package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/handlers/service"
	"onewindow/models"
	"onewindow/policies"
)

type itemPage struct {
	Item             *models.Item
	Department       string
	Joint            bool
	JointDepartments []string
	MergedInto       *models.Item
	CanEdit          bool       // the visitor may edit the item (shows the admin links)
	Closed           *closedBox // the guide lacks what a filing needs: no application
	Main             *models.ItemRef
	MainName         string // the 主项名称 when it names no published item: shown as plain text
	Subs             []models.ItemRef
	// Office is the implementing department (实施主体) with its address, phone and hours.
	Office models.Department
	// OfficeLines are the department's address, phone and hours, falling back
	// to the service centre's.
	OfficeLines officeLines
	// Contact is the item's own 办理地点与咨询, falling back to the department's
	// and the centre's.
	Contact itemContact
	// Files are the blank form and sample links of each material, by key.
	Files map[string]guideFiles
}

// officeLines are the address, phone and opening hours of an office.
type officeLines struct{ Address, Phone, Hours contactLine }

// itemContact is the 办理地点与咨询 block of a guide.
type itemContact struct{ Location, Hours, Phone, Complaint contactLine }

// closedBox says why an item filed on application takes none yet and how to
// reach its department.
type closedBox struct {
	Missing                    []string    // gap names (models.Gap*)
	Department                 string      // the department's full name
	Phone, Address             contactLine // the department's, else the item's, else the centre's
	MissingText, Body, Contact string      // in the page's language
}

// openForApplication reports whether the item takes applications, and why
// not when it is filed on application: what its guide lacks
// (models.Gap*), or service.BlockSubItems / service.BlockUnstaffed.
func (s *Server) openForApplication(it *models.Item) (bool, []string) {
	if it.Reduced() || !it.OnApplication || it.Status != models.ItemPublished {
		return false, []string{}
	}
	blocks := s.actions().FilingBlocks(it)
	if blocks == nil {
		blocks = []string{}
	}
	return len(blocks) == 0, blocks
}

// closedNotice is the closed box of an item filed on application that takes
// no application now, or nil when it takes them or is not filed on
// application at all.
func (s *Server) closedNotice(lang string, it *models.Item) *closedBox {
	open, gaps := s.openForApplication(it)
	if open || len(gaps) == 0 {
		return nil
	}
	dept := s.ref.Load().deptByKey[it.DepartmentCode]
	site := s.siteSettings()
	b := &closedBox{Missing: gaps, Department: dept.Name}
	if b.Department == "" {
		b.Department = it.DepartmentCode
	}
	b.Phone = s.contact(lang, true, contactSource{dept.Phone, "contact.phone"},
		contactSource{it.Phone, "contact.item_phone"}, contactSource{site.Hotline, "contact.centre_hotline"})
	b.Address = s.contact(lang, false, contactSource{dept.Address, "contact.address"},
		contactSource{it.Location, "contact.item_location"}, contactSource{site.Address, "contact.centre_address"})
	names := make([]string, len(gaps))
	for i, g := range gaps {
		names[i] = s.site.T(lang, "closed.gap."+g)
	}
	b.MissingText = strings.Join(names, s.site.T(lang, "closed.sep"))
	b.Body = s.site.T(lang, "closed.body", b.MissingText)
	switch {
	case slices.Contains(gaps, service.BlockSubItems):
		b.Body = s.site.T(lang, "closed.body_sub_items")
	case len(gaps) == 1 && gaps[0] == service.BlockUnstaffed:
		b.Body = s.site.T(lang, "closed.body_unstaffed")
	}
	b.Contact = s.site.T(lang, "closed.contact", b.Department, b.Phone.Text(), b.Address.Text())
	return b
}

// message is the closed box in one sentence, for a form's field error.
func (b *closedBox) message() string { return b.Body + b.Contact }

func (s *Server) uiItem(c *gin.Context) error {
	it, err := s.store.Item(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return s.renderItem(c, http.StatusOK, it)
}

// renderItem shows an item's guide; the apply routes show it too, with a
// conflict status, when the guide is closed to applications.
func (s *Server) renderItem(c *gin.Context, status int, it *models.Item) error {
	ctx := c.Request.Context()
	ref := s.ref.Load()
	data := itemPage{Item: it, Department: ref.deptByKey[it.DepartmentCode].Name, Joint: it.Joint(),
		CanEdit: s.can(c, it.DepartmentCode, policies.ObjItem, policies.ActEdit),
		Closed:  s.closedNotice(langOf(c), it)}
	data.Office = ref.deptByKey[it.DepartmentCode].Department
	data.OfficeLines, data.Contact = s.guideContacts(langOf(c), it, data.Office)
	for _, d := range it.Departments {
		data.JointDepartments = append(data.JointDepartments, ref.deptByKey[d.DepartmentCode].Name)
	}
	if it.MergedInto != "" {
		if m, err := s.store.Item(ctx, it.MergedInto); err == nil {
			data.MergedInto = m
		}
	}
	files, err := s.materialLinks(c, it)
	if err != nil {
		return err
	}
	data.Files = files
	g, err := s.store.ItemGroup(ctx, it)
	if err != nil {
		return err
	}
	data.Main, data.Subs = g.Main, g.Subs
	if g.Main == nil && it.MainName != "" && it.MainName != it.Name {
		data.MainName = it.MainName
	}
	s.render(c, status, "item", it.Name, "items", data)
	return nil
}

// guideContacts are a guide's department block and its 办理地点与咨询, where
// each blank line falls back to the department's office and then to the
// service centre, saying whose it is.
func (s *Server) guideContacts(lang string, it *models.Item, dept models.Department) (officeLines, itemContact) {
	site := s.siteSettings()
	centreAddr := contactSource{site.Address, "contact.centre_address"}
	centreHotline := contactSource{site.Hotline, "contact.centre_hotline"}
	centreHours := contactSource{site.Hours, "contact.centre_hours"}
	// The 实施主体 block states the office's own facts, as its department page
	// does; the 办理地点与咨询 block below falls back.
	office := officeLines{
		Address: s.contact(lang, false, contactSource{dept.Address, ""}),
		Phone:   s.contact(lang, true, contactSource{dept.Phone, ""}),
		Hours:   s.contact(lang, false, contactSource{dept.Hours, ""}),
	}
	own := itemContact{
		Location:  s.contact(lang, false, contactSource{it.Location, ""}, contactSource{dept.Address, "contact.department_address"}, centreAddr),
		Hours:     s.contact(lang, false, contactSource{it.Hours, ""}, contactSource{dept.Hours, "contact.department_hours"}, centreHours),
		Phone:     s.contact(lang, true, contactSource{it.Phone, ""}, contactSource{dept.Phone, "contact.department_phone"}, centreHotline),
		Complaint: s.contact(lang, true, contactSource{it.ComplaintPhone, ""}, centreHotline),
	}
	return office, own
}
