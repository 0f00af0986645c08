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
}

// toDepartmentJSON answers with the shape of GET /api/v1/departments; the
// item count comes from the reference data (a department's change moves
// no item, so the count read before it is still right).
func (s *Server) toDepartmentJSON(d *models.Department) departmentJSON {
	return departmentJSON{Code: d.Code, Name: d.Name, Short: d.ShortName, Items: s.ref.Load().deptByKey[d.Code].Items, Phone: d.Phone}
}

// createDepartment authorizes and stores the department; the store's change
// signal makes filters and pages know it at the next request.
func (s *Server) createDepartment(c *gin.Context, f departmentForm) (*models.Department, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjDepartment, policies.ActManage); err != nil {
		return nil, err
	}
	d, err := s.store.CreateDepartment(c.Request.Context(), models.NewDepartment{Code: f.Code, Name: f.Name, ShortName: f.ShortName})
	if isConflict(err) {
		return nil, invalid(map[string]string{"code": "already in use"})
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// renameDepartment authorizes, renames the department of the :code
// parameter.
func (s *Server) renameDepartment(c *gin.Context, f departmentForm) (*models.Department, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjDepartment, policies.ActManage); err != nil {
		return nil, err
	}
	d, err := s.store.RenameDepartment(c.Request.Context(), c.Param("code"), f.Name, f.ShortName)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) apiCreateDepartment(c *gin.Context) error {
	var f departmentForm
	if err := c.ShouldBindJSON(&f); err != nil {
		return badRequest("the body must be JSON {\"code\",\"name\",\"short_name\"}")
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
		return badRequest("the body must be JSON {\"name\",\"short_name\"}")
	}
	d, err := s.renameDepartment(c, f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toDepartmentJSON(d))
	return nil
}
