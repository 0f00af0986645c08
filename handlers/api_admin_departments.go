package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// departmentForm is a new department or a new name as the API and the
// admin pages submit it.
type departmentForm struct {
	Code      string `json:"code" form:"code"`
	Name      string `json:"name" form:"name"`
	ShortName string `json:"short_name" form:"short_name"`
	officeForm
}

// officeForm is a department's office details; in the API a detail left
// out stays as it is, and an empty one is unknown.
type officeForm struct {
	Address     *string `json:"address" form:"address"`
	Phone       *string `json:"phone" form:"phone"`
	Hours       *string `json:"hours" form:"hours"`
	Website     *string `json:"website" form:"website"`
	Description *string `json:"description" form:"description"`
}

// toDepartmentJSON answers with the shape of GET /api/v1/departments; the
// item count comes from the reference data (a department's change moves
// no item, so the count read before it is still right).
func (s *Server) toDepartmentJSON(d *models.Department) departmentJSON {
	return departmentOut(*d, s.ref.Load().deptByKey[d.Code].Items)
}

// createDepartment authorizes and stores the department; the store's change
// signal makes filters and pages know it at the next request.
func (s *Server) createDepartment(c *gin.Context, f departmentForm) (*models.Department, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjDepartment, policies.ActManage); err != nil {
		return nil, err
	}
	v := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	d, err := s.store.CreateDepartment(c.Request.Context(), models.NewDepartment{Code: f.Code, Name: f.Name, ShortName: f.ShortName,
		Address: v(f.Address), Phone: v(f.Phone), Hours: v(f.Hours), Website: v(f.Website), Description: v(f.Description)})
	if isConflict(err) {
		return nil, invalid(map[string]string{"code": "already in use"})
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// renameDepartment authorizes, renames the department of the :code
// parameter and sets the office details the form carries.
func (s *Server) renameDepartment(c *gin.Context, f departmentForm) (*models.Department, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjDepartment, policies.ActManage); err != nil {
		return nil, err
	}
	d, err := s.store.UpdateDepartment(c.Request.Context(), c.Param("code"), models.DepartmentChange{
		Name: f.Name, ShortName: f.ShortName, Address: f.Address, Phone: f.Phone, Hours: f.Hours,
		Website: f.Website, Description: f.Description})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) apiCreateDepartment(c *gin.Context) error {
	var f departmentForm
	if err := c.ShouldBindJSON(&f); err != nil {
		return badRequest("the body must be JSON {\"code\",\"name\",\"short_name\",\"address\",\"phone\",\"hours\",\"website\",\"description\"}")
	}
	d, err := s.createDepartment(c, f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, s.toDepartmentJSON(d))
	return nil
}

func (s *Server) apiRenameDepartment(c *gin.Context) error {
	var f departmentForm
	if err := c.ShouldBindJSON(&f); err != nil {
		return badRequest("the body must be JSON {\"name\",\"short_name\",\"address\",\"phone\",\"hours\",\"website\",\"description\"}")
	}
	d, err := s.renameDepartment(c, f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toDepartmentJSON(d))
	return nil
}

// departmentOut is a department in the API's shape, with its count of
// retained items.
func departmentOut(d models.Department, items int) departmentJSON {
	return departmentJSON{Code: d.Code, Name: d.Name, Short: d.ShortName, Items: items, Phone: d.Phone,
		Address: d.Address, Hours: d.Hours, Website: d.Website, Description: d.Description}
}
