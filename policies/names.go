package policies

import "slices"

// AllDomains is the domain of a role held in every department, and the
// domain of a check on a resource that belongs to no department.
const AllDomains = "*"

// Role is the name of a role as it appears in policy.csv and in role assignments.
type Role string

// Roles known to the policy.
const (
	// Sysadmin manages accounts, role assignments, departments and the calendar.
	Sysadmin Role = "sysadmin"
	// CatalogueAdmin edits the power-item catalogue.
	CatalogueAdmin Role = "catalogue_admin"
	// WindowClerk works at the one-stop window.
	WindowClerk Role = "window_clerk"
	// Reviewer runs the review stage of a department.
	Reviewer Role = "reviewer"
	// Approver decides applications for a department.
	Approver Role = "approver"
	// Supervisor reads everything and verifies the audit chain.
	Supervisor Role = "supervisor"
	// Citizen files and follows their own applications.
	Citizen Role = "citizen"
	// InspectionAdmin runs a department's random inspections (双随机一公开).
	InspectionAdmin Role = "inspection_admin"
)

// Objects: the kinds of resource a permission is about.
const (
	// ObjItem is a power item of the catalogue.
	ObjItem = "item"
	// ObjApplication is an application for an item.
	ObjApplication = "application"
	// ObjTask is a department's stage of work on an application.
	ObjTask = "task"
	// ObjUser is a staff or citizen account.
	ObjUser = "user"
	// ObjRole is a role assignment.
	ObjRole = "role"
	// ObjDepartment is a department.
	ObjDepartment = "department"
	// ObjCalendar is the working-day calendar.
	ObjCalendar = "calendar"
	// ObjLoginLog is the log of login attempts.
	ObjLoginLog = "loginlog"
	// ObjAudit is the hash-chained event log.
	ObjAudit = "audit"
	// ObjReport is a statistical report.
	ObjReport = "report"
	// ObjSite is the site settings: district, centre, address, hotline, hours, footer.
	ObjSite = "site"
	// ObjDataLog is the log of staff views of applicants' full identity numbers and phones.
	ObjDataLog = "datalog"
	// ObjEvaluation is an applicant's 好差评 rating and a 差评's rectification case.
	ObjEvaluation = "evaluation"
	// ObjOutbox is the notifications sent to applicants (SMS, e-mail) and their states.
	ObjOutbox = "outbox"
	// ObjInspection is a department's random inspections: list, rules, libraries, plans and results.
	ObjInspection = "inspection"
	// ObjPledge is an applicant's 告知承诺 and its check (核查) after the decision.
	ObjPledge = "pledge"
)

// Verbs: the actions a permission allows.
const (
	// ActRead reads a resource.
	ActRead = "read"
	// ActEdit changes an existing resource.
	ActEdit = "edit"
	// ActCreate creates a resource.
	ActCreate = "create"
	// ActDispose changes an item's disposition (cancel, merge, delegate, restore).
	ActDispose = "dispose"
	// ActPublish makes an item's draft public.
	ActPublish = "publish"
	// ActImport imports resources from a file.
	ActImport = "import"
	// ActExport exports resources to a file.
	ActExport = "export"
	// ActManage creates, edits and disables a resource.
	ActManage = "manage"
	// ActAssign grants and revokes role assignments.
	ActAssign = "assign"
	// ActVerify verifies the audit hash chain.
	ActVerify = "verify"
	// ActOwn reads, withdraws and supplements one's own applications.
	ActOwn = "own"
	// ActReveal shows an application's applicant identity number, phone and answers in
	// full (logged); without it they are masked.
	ActReveal = "reveal"
	// ActRegister registers a walk-in application at the window.
	ActRegister = "register"
	// ActAccept accepts an application.
	ActAccept = "accept"
	// ActAcceptPending accepts an application with a material still owed.
	ActAcceptPending = "accept_pending"
	// ActReject refuses to accept an application.
	ActReject = "reject"
	// ActRequestSupplement lists every missing material at once.
	ActRequestSupplement = "request_supplement"
	// ActIssue hands out the result of a decided application.
	ActIssue = "issue"
	// ActDecideImmediate decides an on-the-spot item at the window.
	ActDecideImmediate = "decide_immediate"
	// ActTerminate ends an application or a task without a decision.
	ActTerminate = "terminate"
	// ActClaim takes a task from the department queue.
	ActClaim = "claim"
	// ActRelease gives a claimed task back to the department's queue (退回待签收).
	ActRelease = "release"
	// ActReviewPass passes a task on from review to decision.
	ActReviewPass = "review_pass"
	// ActSendBack returns a task to the previous stage.
	ActSendBack = "send_back"
	// ActSuspend stops the clock for a special procedure.
	ActSuspend = "suspend"
	// ActResume restarts the clock after a suspension.
	ActResume = "resume"
	// ActApprove grants an application.
	ActApprove = "approve"
	// ActDeny refuses an application.
	ActDeny = "deny"
	// ActExtend extends a deadline.
	ActExtend = "extend"
	// ActHandle takes the steps of a department's rectification case.
	ActHandle = "handle"
	// ActRecord records the result of an inspection task.
	ActRecord = "record"
	// ActSign records the signed 告知承诺书 handed in at the window.
	ActSign = "sign"
	// ActCheck records the check (核查) of a pledge after the decision.
	ActCheck = "check"
	// ActRevoke revokes (撤销) a grant whose pledge failed its check.
	ActRevoke = "revoke"
)

var allRoles = []Role{Sysadmin, CatalogueAdmin, WindowClerk, Reviewer, Approver, Supervisor, Citizen, InspectionAdmin}

// ValidRole reports whether r names a known role.
func ValidRole(r string) bool {
	return slices.Contains(allRoles, Role(r))
}

// AllRoles returns every known role.
func AllRoles() []Role {
	return slices.Clone(allRoles)
}
