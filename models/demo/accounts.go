package demo

import "onewindow/models"

// Password is the password of every demonstration account.
const Password = "demo1234"

// CitizenID is the resident ID held by the demonstration citizen account.
const CitizenID = "11010519491231002X"

// Accounts returns the demonstration accounts of DESIGN §7, all with the
// given password hash: admin, catalog, window1, supervisor, citizen1, and a
// reviewer, an approver and a random inspection administrator (<code>.inspect)
// for every department.
func Accounts(depts []models.Department, passwordHash string) []models.NewUser {
	one := func(user, name, dept, role, domain string) models.NewUser {
		return models.NewUser{Username: user, DisplayName: name, DepartmentCode: dept, PasswordHash: passwordHash,
			Roles: []models.RoleAssignment{{Role: role, Domain: domain}}}
	}
	out := []models.NewUser{
		one("admin", "系统管理员", "zwfwj", "sysadmin", "*"),
		one("catalog", "事项管理员", "zwfwj", "catalogue_admin", "*"),
		one("window1", "综合窗口一号", "zwfwj", "window_clerk", "*"),
		one("supervisor", "效能监察员", "zwfwj", "supervisor", "*"),
	}
	citizen := one("citizen1", "演示市民", "", "citizen", "*")
	citizen.CitizenID = CitizenID
	out = append(out, citizen)
	for _, d := range depts {
		out = append(out,
			one(d.Code+".review", d.Name+"审查员", d.Code, "reviewer", d.Code),
			one(d.Code+".approve", d.Name+"审批人", d.Code, "approver", d.Code),
			one(d.Code+".inspect", d.Name+"双随机抽查管理员", d.Code, "inspection_admin", d.Code))
	}
	return out
}
