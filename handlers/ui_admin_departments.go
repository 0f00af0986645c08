package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// Department pages: the list with item counts and a form for a new
// department, and a form to rename one and set its office details.

type departmentsPage struct {
	Depts  []models.DepartmentCount
	Form   departmentForm
	Errors map[string]string // field → locale key
	Flash  string
}

func (s *Server) uiDepartments(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjDepartment, policies.ActManage); err != nil {
		return err
	}
	s.renderDepartments(c, http.StatusOK, departmentsPage{Flash: s.flash(c), Errors: map[string]string{}})
	return nil
}

func (s *Server) renderDepartments(c *gin.Context, status int, p departmentsPage) {
	p.Depts = s.ref.Load().depts
	s.render(c, status, "admin_departments", s.site.T(langOf(c), "admin.depts.title"), "staff", p)
}

func (s *Server) uiDepartmentCreate(c *gin.Context) error {
	var f departmentForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	_, err := s.createDepartment(c, f)
	if errs, ok := departmentFieldKeys(err); ok {
		s.renderDepartments(c, http.StatusUnprocessableEntity, departmentsPage{Form: f, Errors: errs})
		return nil
	}
	if err != nil {
		return err
	}
	redirectDone(c, "/admin/departments", nil, "department_created")
	return nil
}

// departmentFieldKeys turns the field errors of a department form into
// locale keys; ok is false for any other error.
func departmentFieldKeys(err error) (map[string]string, bool) {
	e := asError(err)
	if err == nil || e.Status != http.StatusUnprocessableEntity {
		return nil, false
	}
	out := map[string]string{}
	for field, msg := range e.Fields {
		switch {
		case field == "code" && msg == "already in use":
			out[field] = "admin.depts.err.code_taken"
		case field == "code", field == "name", field == "short_name":
			out[field] = "admin.depts.err." + field
		default:
			out[field] = "department.err." + field
		}
	}
	return out, true
}

type departmentPage struct {
	Dept   *models.Department
	Items  int
	Form   departmentForm
	Office officeValues // the office details as the form shows them
	Errors map[string]string
	Flash  string
}

// officeValues are a department's office details as plain text for a form.
type officeValues struct {
	Address, Phone, Hours, Website, Description string
}

// officeOf fills the form's office values: what was submitted where the
// form carried it, else what is stored.
func officeOf(d *models.Department, f officeForm) officeValues {
	pick := func(p *string, stored string) string {
		if p != nil {
			return *p
		}
		return stored
	}
	return officeValues{Address: pick(f.Address, d.Address), Phone: pick(f.Phone, d.Phone), Hours: pick(f.Hours, d.Hours),
		Website: pick(f.Website, d.Website), Description: pick(f.Description, d.Description)}
}

func (s *Server) uiDepartmentForm(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjDepartment, policies.ActManage); err != nil {
		return err
	}
	d, err := s.store.Department(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	flash := s.flash(c)
	if c.Query("done") == "department_saved" {
		flash = "department.admin.saved"
	}
	s.renderDepartment(c, http.StatusOK, departmentPage{Dept: d, Form: departmentForm{Name: d.Name, ShortName: d.ShortName},
		Flash: flash, Errors: map[string]string{}})
	return nil
}

func (s *Server) renderDepartment(c *gin.Context, status int, p departmentPage) {
	p.Items = s.ref.Load().deptByKey[p.Dept.Code].Items
	p.Office = officeOf(p.Dept, p.Form.officeForm)
	s.render(c, status, "admin_department", s.site.T(langOf(c), "department.admin.title", p.Dept.Name), "staff", p)
}

func (s *Server) uiDepartmentRename(c *gin.Context) error {
	var f departmentForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.Code = "" // the department is the one of the path
	d, err := s.renameDepartment(c, f)
	if errs, ok := departmentFieldKeys(err); ok {
		stored, serr := s.store.Department(c.Request.Context(), c.Param("code"))
		if serr != nil {
			return serr
		}
		s.renderDepartment(c, http.StatusUnprocessableEntity, departmentPage{Dept: stored, Form: f, Errors: errs})
		return nil
	}
	if err != nil {
		return err
	}
	redirectDone(c, "/admin/departments/"+d.Code, nil, "department_saved")
	return nil
}
