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
	Subs             []models.ItemRef
	// Office is the implementing department (实施主体) with its address, phone and hours.
	Office models.Department
}

// closedBox says why an item filed on application takes none yet and how to
// reach its department.
type closedBox struct {
	Missing                    []string // gap names (models.Gap*)
	Department, Phone, Address string   // 未公布 where unknown
	MissingText, Body, Contact string   // in the page's language
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
	unknown := s.site.T(lang, "unknown")
	b := &closedBox{Missing: gaps, Department: dept.Name, Phone: dept.Phone, Address: dept.Address}
	if b.Department == "" {
		b.Department = it.DepartmentCode
	}
	if b.Phone == "" {
		b.Phone = it.Phone
	}
	for _, v := range []*string{&b.Phone, &b.Address} {
		if strings.TrimSpace(*v) == "" {
			*v = unknown
		}
	}
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
	b.Contact = s.site.T(lang, "closed.contact", b.Department, b.Phone, b.Address)
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
	data := itemPage{Item: it, Department: ref.deptByKey[it.DepartmentCode].ShortName, Joint: it.Joint(),
		CanEdit: s.can(c, it.DepartmentCode, policies.ObjItem, policies.ActEdit),
		Closed:  s.closedNotice(langOf(c), it)}
	data.Office = ref.deptByKey[it.DepartmentCode].Department
	for _, d := range it.Departments {
		data.JointDepartments = append(data.JointDepartments, ref.deptByKey[d.DepartmentCode].ShortName)
	}
	if it.MergedInto != "" {
		if m, err := s.store.Item(ctx, it.MergedInto); err == nil {
			data.MergedInto = m
		}
	}
	g, err := s.store.ItemGroup(ctx, it)
	if err != nil {
		return err
	}
	data.Main, data.Subs = g.Main, g.Subs
	s.render(c, status, "item", it.Name, "items", data)
	return nil
}
