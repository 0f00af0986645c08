package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"

	"onewindow/workflow"
)

// route is one line of the route table: a URL, whether it is a page or the
// JSON API, who uses it, the permission its handler checks, and the handler.
type route struct {
	method, path string
	kind         kind
	audience     audience
	obj, act     string // the object and verb (policies/policy.csv) the handler checks; "" when none
	handler      func(*Server, *gin.Context) error
}

// kind says how a handler's error is answered: as JSON or as a page.
type kind int

const (
	api    kind = iota // JSON; errors are {"error":{...}}
	page               // HTML; errors are an error page in the visitor's language
	static             // the embedded files under /static (GET and HEAD)
)

// audience says who uses a route, and so whether it needs a login.
type audience int

const (
	public    audience = iota // anyone; no login, nothing to authorize
	applicant                 // an applicant without a login: the query code, or the owner's citizen account, authorizes each look
	citizen                   // an applicant logged in with a citizen account
	staff                     // a logged-in member of staff
	account                   // anyone logged in, about their own account
)

// needsLogin reports whether the route goes through protect: a login is
// required, and the answer is withheld unless the handler authorized it.
func (a audience) needsLogin() bool { return a == citizen || a == staff || a == account }

// ofAction stands for the object or verb of the workflow transition that the
// request's action names (workflow's transition table: "task" or
// "application", and the action's verb); the handler checks them in the
// department of the application or of its task.
const ofAction = "(of the action)"

// routeTable is every route of the site, read top to bottom. Registration,
// PublicRoutes, ProtectedRoutes, the router-walk test and the OpenAPI test
// all come from it. For staff routes obj/act name the permission the handler
// checks with authorize; where the resource has a department (an item, an
// application, a task) the handler checks in that department, elsewhere in
// every department ("*"). The handler of a URL is the last column.
// GET /metrics is not here: it is answered before the router (metrics.go).
var routeTable = []route{
	// Public: the catalogue, the session and the service itself.
	{"GET", "/healthz", api, public, "", "", (*Server).healthz},
	{"GET", "/api/v1/openapi.json", api, public, "", "", (*Server).apiOpenAPI},
	{"GET", "/api/v1/catalogue/stats", api, public, "", "", (*Server).apiStats},
	{"GET", "/api/v1/departments", api, public, "", "", (*Server).apiDepartments},
	{"GET", "/api/v1/items", api, public, "", "", (*Server).apiItems},
	{"GET", "/api/v1/items/suggest", api, public, "", "", (*Server).apiSuggest},
	{"GET", "/api/v1/items/:code", api, public, "", "", (*Server).apiItem},
	{"GET", "/api/v1/items/:code/form", api, public, "", "", (*Server).apiItemFormSchema},
	{"GET", "/api/v1/items/:code/form/definition", api, public, "", "", (*Server).apiItemFormDefinition},
	{"GET", "/api/v1/form-dictionaries", api, public, "", "", (*Server).apiFormDictionaries},
	{"GET", "/api/v1/calendar/deadline", api, public, "", "", (*Server).apiDeadline},
	{"POST", "/api/v1/login", api, public, "", "", (*Server).apiLogin},
	{"POST", "/api/v1/logout", api, public, "", "", (*Server).apiLogout},
	{"GET", "/api/v1/me", api, public, "", "", (*Server).apiMe},
	{"GET", "/api/v1/site", api, public, "", "", (*Server).apiSite},
	{"GET", "/", page, public, "", "", (*Server).uiHome},
	{"GET", "/items", page, public, "", "", (*Server).uiResults},
	{"GET", "/items/:code", page, public, "", "", (*Server).uiItem},
	// A material's blank form and sample, and the blank 申请表 printed from the item's own form.
	{"GET", "/items/:code/materials/:key/:kind", page, public, "", "", (*Server).uiBlankFile},
	{"GET", "/items/:code/blank-form", page, public, "", "", (*Server).uiBlankForm},
	{"GET", "/catalogue", page, public, "", "", (*Server).uiCatalogue},
	{"GET", "/departments/:code", page, public, "", "", (*Server).uiDepartmentPage},
	{"GET", "/bundles", page, public, "", "", (*Server).uiBundles},
	{"GET", "/bundles/:code", page, public, "", "", (*Server).uiBundle},
	{"GET", "/login", page, public, "", "", (*Server).uiLoginForm},
	{"POST", "/login", page, public, "", "", (*Server).uiLogin},
	{"POST", "/logout", page, public, "", "", (*Server).uiLogout},
	// The 收费项目目录清单, and the payment platform's signed callback (its HMAC is its authorization).
	{"GET", "/fees", page, public, "", "", (*Server).uiFeeCatalogue},
	{"GET", "/api/v1/fees", api, public, "", "", (*Server).apiFeeCatalogue},
	{"POST", "/api/v1/payments/callback", api, public, "", "", (*Server).apiPaymentCallback},
	{"GET", "/static/*filepath", static, public, "", "", nil}, // and HEAD; cached by cacheStatic

	// Applicant (一网通办): filing without an account, and the applicant's own
	// actions with the query code. A member of staff calling the action,
	// material and file routes is authorized per action in the application's
	// department, as on the staff routes.
	{"POST", "/api/v1/applications", api, applicant, "", "", (*Server).apiFile},
	{"POST", "/api/v1/applications/:number/actions/:action", api, applicant, "", "", (*Server).apiAct},
	{"POST", "/api/v1/applications/:number/materials", api, applicant, "", "", (*Server).apiUpload},
	{"GET", "/api/v1/applications/:number/files/:id", api, applicant, "", "", (*Server).apiDownload},
	{"GET", "/api/v1/status/:number", api, applicant, "", "", (*Server).apiStatus},
	{"GET", "/items/:code/apply", page, applicant, "", "", (*Server).uiApplyForm},
	{"POST", "/items/:code/apply", page, applicant, "", "", (*Server).uiApply},
	{"GET", "/receipt/:number", page, applicant, "", "", (*Server).uiReceipt},
	{"GET", "/status", page, applicant, "", "", (*Server).uiStatusForm},
	{"POST", "/status", page, applicant, "", "", (*Server).uiStatusLookup},
	{"GET", "/status/:number", page, applicant, "", "", (*Server).uiStatus},
	{"GET", "/status/:number/payment-notice", page, applicant, "", "", (*Server).uiStatusPaymentPrint},
	// 一件事 bundles: the published bundles and their merged forms; the
	// applicant's supplement and the window's actions on a bundle as a whole
	// (each child authorized inside the store's transaction, as an action).
	{"GET", "/api/v1/bundles", api, public, "", "", (*Server).apiBundles},
	{"GET", "/api/v1/bundles/:code", api, public, "", "", (*Server).apiBundle},
	{"POST", "/api/v1/bundle-filings/:number/actions/accept", api, applicant, "", "", (*Server).apiBundleAct},
	{"POST", "/api/v1/bundle-filings/:number/actions/request_supplement", api, applicant, "", "", (*Server).apiBundleAct},
	{"POST", "/api/v1/bundle-filings/:number/actions/supplement", api, applicant, "", "", (*Server).apiBundleAct},
	{"POST", "/api/v1/bundle-filings/:number/actions/reject", api, applicant, "", "", (*Server).apiBundleAct},
	{"POST", "/api/v1/bundle-filings/:number/actions/issue", api, applicant, "", "", (*Server).apiBundleAct},
	{"GET", "/bundles/:code/apply", page, applicant, "", "", (*Server).uiBundleApplyForm},
	{"POST", "/bundles/:code/apply", page, applicant, "", "", (*Server).uiBundleApply},
	{"GET", "/bundle-receipt/:number", page, applicant, "", "", (*Server).uiBundleReceipt},
	{"POST", "/status/:number/bundle-supplement", page, applicant, "", "", (*Server).uiBundleSupplement},
	{"POST", "/status/:number/supplement", page, applicant, "", "", (*Server).uiSupplement},
	{"POST", "/status/:number/withdraw", page, applicant, "", "", (*Server).uiWithdraw},

	// One's own account (staff and citizens): changing the password, the one thing a member
	// of staff whose password has expired may do (see passwordGate).
	{"GET", "/account/password", page, account, "", "", (*Server).uiAccountPasswordForm},
	{"POST", "/account/password", page, account, "", "", (*Server).uiAccountPassword},
	{"POST", "/api/v1/account/password", api, account, "", "", (*Server).apiAccountPassword},

	// Citizen account: the applications filed with one's own ID number.
	{"GET", "/api/v1/my/applications", api, citizen, "application", "own", (*Server).apiMyApplications},
	{"GET", "/my", page, citizen, "application", "own", (*Server).uiMyApplications},

	// Staff, every tool: the landing page links the tools the user may use
	// (any login; each link is shown only where s.can allows it).
	{"GET", "/admin", page, staff, "", "", (*Server).uiAdminHome},

	// Staff, system administration: users, role assignments, the login log.
	{"GET", "/api/v1/admin/users", api, staff, "user", "manage", (*Server).apiUsers},
	{"POST", "/api/v1/admin/users", api, staff, "user", "manage", (*Server).apiCreateUser},
	{"POST", "/api/v1/admin/users/:id/password", api, staff, "user", "manage", (*Server).apiSetPassword},
	{"POST", "/api/v1/admin/users/:id/active", api, staff, "user", "manage", (*Server).apiSetActive},
	{"PUT", "/api/v1/admin/users/:id/roles", api, staff, "role", "assign", (*Server).apiSetRoles},
	{"GET", "/api/v1/admin/login-log", api, staff, "loginlog", "read", (*Server).apiLoginLog},
	{"GET", "/admin/users", page, staff, "user", "manage", (*Server).uiUsers},
	{"GET", "/admin/users/new", page, staff, "user", "manage", (*Server).uiUserNewForm},
	{"POST", "/admin/users", page, staff, "user", "manage", (*Server).uiUserCreate},
	{"GET", "/admin/users/:id", page, staff, "user", "manage", (*Server).uiUser},
	{"POST", "/admin/users/:id/active", page, staff, "user", "manage", (*Server).uiUserActive},
	{"POST", "/admin/users/:id/password", page, staff, "user", "manage", (*Server).uiUserPassword},
	{"POST", "/admin/users/:id/roles", page, staff, "role", "assign", (*Server).uiUserRoles},
	{"GET", "/admin/login-log", page, staff, "loginlog", "read", (*Server).uiLoginLog},

	// Staff, system administration: departments, the site settings and the working-day calendar.
	{"POST", "/api/v1/admin/departments", api, staff, "department", "manage", (*Server).apiCreateDepartment},
	{"PUT", "/api/v1/admin/departments/:code", api, staff, "department", "manage", (*Server).apiRenameDepartment},
	{"GET", "/api/v1/admin/calendar", api, staff, "calendar", "manage", (*Server).apiCalendarYear},
	{"POST", "/api/v1/admin/calendar", api, staff, "calendar", "manage", (*Server).apiAddCalendarDay},
	{"DELETE", "/api/v1/admin/calendar/:date", api, staff, "calendar", "manage", (*Server).apiRemoveCalendarDay},
	{"POST", "/api/v1/admin/calendar/import", api, staff, "calendar", "manage", (*Server).apiImportCalendar},
	{"GET", "/admin/departments", page, staff, "department", "manage", (*Server).uiDepartments},
	{"POST", "/admin/departments", page, staff, "department", "manage", (*Server).uiDepartmentCreate},
	{"GET", "/admin/departments/:code", page, staff, "department", "manage", (*Server).uiDepartmentForm},
	{"POST", "/admin/departments/:code", page, staff, "department", "manage", (*Server).uiDepartmentRename},
	{"PUT", "/api/v1/site", api, staff, "site", "manage", (*Server).apiSetSite},
	{"GET", "/admin/site", page, staff, "site", "manage", (*Server).uiSiteForm},
	{"POST", "/admin/site", page, staff, "site", "manage", (*Server).uiSiteSave},
	{"GET", "/admin/calendar", page, staff, "calendar", "manage", (*Server).uiCalendar},
	{"POST", "/admin/calendar", page, staff, "calendar", "manage", (*Server).uiCalendarAdd},
	{"POST", "/admin/calendar/remove", page, staff, "calendar", "manage", (*Server).uiCalendarRemove},
	{"POST", "/admin/calendar/import", page, staff, "calendar", "manage", (*Server).uiCalendarImport},
	{"POST", "/admin/calendar/provisional", page, staff, "calendar", "manage", (*Server).uiCalendarProvisional},

	// Staff, the catalogue (in the item's department; a new item in the
	// department it names).
	{"POST", "/api/v1/items", api, staff, "item", "create", (*Server).apiCreateItem},
	{"PUT", "/api/v1/items/:code", api, staff, "item", "edit", (*Server).apiUpdateItem},
	{"POST", "/api/v1/items/:code/publish", api, staff, "item", "publish", (*Server).apiPublishItem},
	{"POST", "/api/v1/items/:code/disposition", api, staff, "item", "dispose", (*Server).apiSetDisposition},
	{"GET", "/api/v1/items/:code/revisions", api, staff, "item", "read", (*Server).apiRevisions},
	{"PUT", "/api/v1/items/:code/form", api, staff, "item", "edit", (*Server).apiPutItemForm},
	{"PUT", "/api/v1/form-dictionaries/:name", api, staff, "item", "edit", (*Server).apiPutFormDictionary},
	{"GET", "/api/v1/catalogue/export", api, staff, "item", "export", (*Server).apiExport},
	{"POST", "/api/v1/catalogue/import", api, staff, "item", "import", (*Server).apiImport},
	{"GET", "/admin/items", page, staff, "", "", (*Server).uiAdminItems},
	{"GET", "/admin/items/new", page, staff, "item", "create", (*Server).uiNewItemForm},
	{"POST", "/admin/items/new", page, staff, "item", "create", (*Server).uiNewItem},
	{"GET", "/admin/items/:code/edit", page, staff, "item", "edit", (*Server).uiItemEditForm},
	{"POST", "/admin/items/:code/edit", page, staff, "item", "edit", (*Server).uiItemEdit},
	{"POST", "/admin/items/:code/publish", page, staff, "item", "publish", (*Server).uiItemPublishDraft},
	{"GET", "/admin/items/:code/history", page, staff, "item", "edit", (*Server).uiItemHistory},
	{"GET", "/admin/items/:code/attachments", page, staff, "item", "edit", (*Server).uiBlankAdmin},
	{"POST", "/admin/items/:code/attachments", page, staff, "item", "edit", (*Server).uiBlankUpload},
	{"POST", "/admin/items/:code/attachments/remove", page, staff, "item", "edit", (*Server).uiBlankRemove},
	{"GET", "/admin/items/:code/form", page, staff, "item", "edit", (*Server).uiItemFormEditor},
	{"POST", "/admin/items/:code/form", page, staff, "item", "edit", (*Server).uiItemFormEdit},
	{"GET", "/admin/items/:code/disposition", page, staff, "item", "dispose", (*Server).uiDispositionForm},
	{"POST", "/admin/items/:code/disposition", page, staff, "item", "dispose", (*Server).uiDisposition},
	{"GET", "/admin/catalogue/transfer", page, staff, "item", "export", (*Server).uiTransfer},
	{"POST", "/admin/catalogue/transfer", page, staff, "item", "import", (*Server).uiTransferCheck},
	{"POST", "/admin/catalogue/transfer/confirm", page, staff, "item", "import", (*Server).uiTransferConfirm},
	{"GET", "/admin/catalogue/transfer/jobs/:id", page, staff, "item", "import", (*Server).uiTransferJob},
	{"GET", "/admin/catalogue/transfer/jobs/:id/progress", page, staff, "item", "import", (*Server).uiTransferJobProgress},
	{"GET", "/admin/catalogue/export", page, staff, "item", "export", (*Server).apiExport},
	// The search alias dictionary (everyday word → official terms): staff who
	// read the catalogue list it; catalogue administrators of every
	// department edit it (checked in "*").
	{"GET", "/api/v1/search/aliases", api, staff, "item", "read", (*Server).apiAliases},
	{"PUT", "/api/v1/search/aliases/:term", api, staff, "item", "edit", (*Server).apiPutAlias},
	{"DELETE", "/api/v1/search/aliases/:term", api, staff, "item", "edit", (*Server).apiDeleteAlias},
	{"GET", "/admin/search/aliases", page, staff, "item", "edit", (*Server).uiAliases},
	{"POST", "/admin/search/aliases", page, staff, "item", "edit", (*Server).uiAliasCreate},
	{"GET", "/admin/search/aliases/:term", page, staff, "item", "edit", (*Server).uiAliasForm},
	{"POST", "/admin/search/aliases/:term", page, staff, "item", "edit", (*Server).uiAliasUpdate},
	{"POST", "/admin/search/aliases/:term/delete", page, staff, "item", "edit", (*Server).uiAliasDelete},
	{"GET", "/admin/search/alias-changes", page, staff, "item", "edit", (*Server).uiAliasChanges},
	// The dictionaries form fields take their options from (民族, 学历 …): catalogue
	// administrators of every department edit them (checked in "*").
	{"GET", "/admin/forms/dictionaries", page, staff, "item", "edit", (*Server).uiFormDicts},
	{"POST", "/admin/forms/dictionaries", page, staff, "item", "edit", (*Server).uiFormDictCreate},
	{"GET", "/admin/forms/dictionaries/:name", page, staff, "item", "edit", (*Server).uiFormDict},
	{"POST", "/admin/forms/dictionaries/:name", page, staff, "item", "edit", (*Server).uiFormDictSave},
	// 一件事 bundles: catalogue administrators of every department (checked in "*").
	{"PUT", "/api/v1/bundles/:code", api, staff, "item", "edit", (*Server).apiPutBundle},
	{"GET", "/admin/bundles", page, staff, "item", "edit", (*Server).uiBundlesAdmin},
	{"GET", "/admin/bundles/new", page, staff, "item", "edit", (*Server).uiBundleAdminNew},
	{"POST", "/admin/bundles/new", page, staff, "item", "edit", (*Server).uiBundleAdminCreate},
	{"GET", "/admin/bundles/:code", page, staff, "item", "edit", (*Server).uiBundleAdminForm},
	{"POST", "/admin/bundles/:code", page, staff, "item", "edit", (*Server).uiBundleAdminSave},

	// Staff, applications (一窗受理 at the window; the departments' work in
	// the back office), in the department of the application or its task.
	{"GET", "/api/v1/applications/:number", api, staff, "application", "read", (*Server).apiApplication},
	{"GET", "/api/v1/applicants/:id_number", api, staff, "application", "register", (*Server).apiApplicant},
	{"GET", "/api/v1/audit/verify", api, staff, "audit", "verify", (*Server).apiAuditVerify},
	{"POST", "/api/v1/applications/:number/personal-data", api, staff, "application", "reveal", (*Server).apiRevealApplicant},
	{"GET", "/api/v1/personal-data-views", api, staff, "datalog", "read", (*Server).apiPersonalDataViews},
	{"GET", "/api/v1/bundle-filings/:number", api, staff, "application", "read", (*Server).apiBundleFiling},
	{"GET", "/api/v1/tasks", api, staff, "task", "read", (*Server).apiTasks},
	{"POST", "/api/v1/tasks/:id/release", api, staff, "task", "release", (*Server).apiTaskRelease},
	{"GET", "/window", page, staff, "application", "register", (*Server).uiWindowDesk},
	{"GET", "/window/new", page, staff, "application", "register", (*Server).uiWindowNewForm},
	{"POST", "/window/new", page, staff, "application", "register", (*Server).uiWindowRegister},
	// The one intake page: search, applicant, form, checklist and decision (intake_page.go).
	{"GET", "/window/intake", page, staff, "application", "register", (*Server).uiIntakeForm},
	{"POST", "/window/intake", page, staff, "application", "register", (*Server).uiIntakePost},
	{"GET", "/window/intake/filed/:number", page, staff, "application", "register", (*Server).uiIntakeFiled},
	{"GET", "/window/applications/:number", page, staff, "application", "register", (*Server).uiWindowApplication},
	{"POST", "/window/applications/:number/reveal", page, staff, "application", "reveal", (*Server).uiWindowReveal},
	{"POST", "/window/applications/:number", page, staff, "application", ofAction, (*Server).uiWindowAct},
	{"POST", "/window/applications/:number/files", page, staff, "application", "register", (*Server).uiWindowUpload},
	{"GET", "/window/applications/:number/notice/:kind", page, staff, "application", "register", (*Server).uiWindowNotice},
	// 缴费 and delivery of the result at the window (fees.go, delivery.go, ui_fees.go).
	{"POST", "/window/applications/:number/payment-notice", page, staff, "application", "issue", (*Server).uiWindowPaymentNotice},
	{"GET", "/window/applications/:number/payment-notice", page, staff, "application", "register", (*Server).uiWindowPaymentPrint},
	{"POST", "/window/applications/:number/payment-paid", page, staff, "application", "issue", (*Server).uiWindowPaymentPaid},
	{"POST", "/window/applications/:number/delivery", page, staff, "application", "issue", (*Server).uiWindowDeliveryMode},
	{"POST", "/window/applications/:number/receipt", page, staff, "application", "issue", (*Server).uiWindowReceipt},
	{"POST", "/api/v1/applications/:number/payment-notice", api, staff, "application", "issue", (*Server).apiIssuePaymentNotice},
	{"POST", "/api/v1/applications/:number/payment-notice/paid", api, staff, "application", "issue", (*Server).apiMarkPaid},
	{"POST", "/api/v1/applications/:number/delivery", api, staff, "application", "issue", (*Server).apiChangeDeliveryMode},
	{"POST", "/api/v1/applications/:number/delivery/receipt", api, staff, "application", "issue", (*Server).apiRecordReceipt},
	{"GET", "/applications/:number/form/print", page, staff, "application", "register", (*Server).uiFormPrint},
	// 一件事 at the window: the bundle as a whole (each child authorized as an action).
	{"GET", "/window/bundles/new", page, staff, "application", "register", (*Server).uiBundleWindowNewForm},
	{"POST", "/window/bundles/new", page, staff, "application", "register", (*Server).uiBundleWindowRegister},
	{"GET", "/window/bundles/:number", page, staff, "application", "register", (*Server).uiBundleWindow},
	{"POST", "/window/bundles/:number", page, staff, "application", "register", (*Server).uiBundleWindowPost},
	{"POST", "/window/bundles/:number/actions/accept", page, staff, "application", "accept", (*Server).uiBundleWindowAct},
	{"POST", "/window/bundles/:number/actions/request_supplement", page, staff, "application", "request_supplement", (*Server).uiBundleWindowAct},
	{"POST", "/window/bundles/:number/actions/reject", page, staff, "application", "reject", (*Server).uiBundleWindowAct},
	{"POST", "/window/bundles/:number/actions/issue", page, staff, "application", "issue", (*Server).uiBundleWindowAct},
	{"GET", "/tasks", page, staff, "task", "read", (*Server).uiTasks},
	{"GET", "/tasks/:number", page, staff, "application", "read", (*Server).uiTask},
	{"POST", "/tasks/:number/reveal", page, staff, "application", "reveal", (*Server).uiTaskReveal},
	{"POST", "/tasks/:number/actions/:action", page, staff, ofAction, ofAction, (*Server).uiTaskAction},
	{"POST", "/tasks/:number/release", page, staff, "task", "release", (*Server).uiTaskRelease},
	{"POST", "/tasks/:number/one-step", page, staff, "task", ofAction, (*Server).uiTaskOneStep},
	{"GET", "/tasks/:number/document/:kind", page, staff, "application", "read", (*Server).uiDocument},
	{"GET", "/supervise", page, staff, "report", "read", (*Server).uiSupervise},
	{"GET", "/supervise/personal-data", page, staff, "datalog", "read", (*Server).uiPersonalDataViews},

	// Supervision (DESIGN §8): 办件公示, the public list of handled
	// applications with the applicant masked, and its 好差评 rates.
	{"GET", "/api/v1/public/handled", api, public, "", "", (*Server).apiHandled},
	{"GET", "/handled", page, public, "", "", (*Server).uiHandled},
	// 好差评: the applicant rates once, with the query code or as the owner
	// (after completion), or on the window's evaluation tablet (after
	// acceptance); a 差评's rectification case is handled by its department
	// (checked in the case's department) and read by supervisors.
	{"POST", "/api/v1/status/:number/evaluation", api, applicant, "", "", (*Server).apiEvaluate},
	{"POST", "/status/:number/evaluation", page, applicant, "", "", (*Server).uiEvaluate},
	{"GET", "/window/evaluate", page, staff, "application", "register", (*Server).uiWindowEvaluateForm},
	{"POST", "/window/evaluate", page, staff, "application", "register", (*Server).uiWindowEvaluate},
	{"GET", "/api/v1/evaluations", api, staff, "evaluation", "read", (*Server).apiEvaluations},
	{"GET", "/supervise/evaluations", page, staff, "evaluation", "read", (*Server).uiSuperviseEvaluations},
	{"GET", "/rectification", page, staff, "evaluation", "handle", (*Server).uiCases},
	{"GET", "/rectification/:id", page, staff, "evaluation", "handle", (*Server).uiCase},
	{"POST", "/rectification/:id", page, staff, "evaluation", "handle", (*Server).uiCaseStep},
	// 双随机一公开 (DESIGN §8): the public lists, plans with their commitments,
	// revealed seeds and results, the recomputation of a draw, and an entity's
	// 信用信息; a department's inspection administrator runs its plans (checked
	// in the plan's department: its leading one to manage, any taking part to
	// record and export).
	{"GET", "/api/v1/inspection/lists", api, public, "", "", (*Server).apiInspectionLists},
	{"GET", "/api/v1/inspection/plans", api, public, "", "", (*Server).apiInspectionPlans},
	{"GET", "/api/v1/inspection/plans/:id/inputs", api, public, "", "", (*Server).apiInspectionDraw},
	{"GET", "/api/v1/inspection/plans/:id/verify", api, public, "", "", (*Server).apiInspectionVerify},
	{"GET", "/api/v1/inspection/entities/:code", api, public, "", "", (*Server).apiInspectionEntity},
	{"GET", "/inspection", page, public, "", "", (*Server).uiInspection},
	{"GET", "/inspection/departments/:code", page, public, "", "", (*Server).uiInspectionDepartment},
	{"GET", "/inspection/plans/:id", page, public, "", "", (*Server).uiInspectionPlan},
	{"GET", "/inspection/entities", page, public, "", "", (*Server).uiInspectionEntities},
	{"GET", "/inspection/entities/:code", page, public, "", "", (*Server).uiInspectionEntity},
	{"POST", "/api/v1/inspection/plans", api, staff, "inspection", "manage", (*Server).apiInspectionCreatePlan},
	{"POST", "/api/v1/inspection/plans/:id/commit", api, staff, "inspection", "manage", (*Server).apiInspectionPlanStep},
	{"POST", "/api/v1/inspection/plans/:id/draw", api, staff, "inspection", "manage", (*Server).apiInspectionPlanStep},
	{"POST", "/api/v1/inspection/plans/:id/publish", api, staff, "inspection", "manage", (*Server).apiInspectionPlanStep},
	{"GET", "/api/v1/inspection/plans/:id/export", api, staff, "inspection", "export", (*Server).apiInspectionExport},
	{"POST", "/api/v1/inspection/tasks/:id/result", api, staff, "inspection", "record", (*Server).apiInspectionResult},
	{"POST", "/api/v1/inspection/entities/import", api, staff, "inspection", "import", (*Server).apiInspectionImport},
	{"POST", "/api/v1/inspection/inspectors/import", api, staff, "inspection", "import", (*Server).apiInspectionImport},
	{"POST", "/api/v1/inspection/lists/import", api, staff, "inspection", "import", (*Server).apiInspectionImport},
	{"GET", "/admin/inspection", page, staff, "inspection", "read", (*Server).uiInspectionAdmin},
	{"POST", "/admin/inspection/import", page, staff, "inspection", "import", (*Server).uiInspectionImport},
	{"POST", "/admin/inspection/rules", page, staff, "inspection", "manage", (*Server).uiInspectionRules},
	{"POST", "/admin/inspection/plans", page, staff, "inspection", "manage", (*Server).uiInspectionPlanCreate},
	{"GET", "/admin/inspection/plans/:id", page, staff, "inspection", "read", (*Server).uiInspectionPlanAdmin},
	{"POST", "/admin/inspection/plans/:id/step", page, staff, "inspection", "manage", (*Server).uiInspectionPlanStep},
	{"GET", "/admin/inspection/plans/:id/export", page, staff, "inspection", "export", (*Server).apiInspectionExport},
	{"POST", "/admin/inspection/tasks/:id", page, staff, "inspection", "record", (*Server).uiInspectionResult},
	{"GET", "/admin/inspection/lists/export", page, staff, "inspection", "export", (*Server).uiInspectionListExport},
	// 告知承诺制: the window records the signed pledge (and prints it for
	// signing); a department checks its granted pledges (checked in the
	// pledge's department) and revokes a grant whose pledge failed (the
	// action's permission, in the application's department); supervisors read.
	{"GET", "/api/v1/pledge-checks", api, staff, "pledge", "read", (*Server).apiPledgeChecks},
	{"POST", "/api/v1/pledge-checks/:number", api, staff, "pledge", "check", (*Server).apiRecordPledgeCheck},
	{"POST", "/api/v1/applications/:number/pledge/signed", api, staff, "pledge", "sign", (*Server).apiSignPledge},
	{"GET", "/pledge-checks", page, staff, "pledge", "read", (*Server).uiPledgeChecks},
	{"POST", "/pledge-checks/:number", page, staff, "pledge", "check", (*Server).uiRecordPledgeCheck},
	{"POST", "/pledge-checks/:number/revoke", page, staff, "application", "revoke", (*Server).uiRevokePledge},
	{"GET", "/window/applications/:number/pledge", page, staff, "pledge", "sign", (*Server).uiPledgePrint},
	{"POST", "/window/applications/:number/pledge", page, staff, "pledge", "sign", (*Server).uiSignPledge},
	// 黄牌 / 红牌 recorded by the card sweeper, read by supervisors.
	{"GET", "/api/v1/cards", api, staff, "report", "read", (*Server).apiCards},
	{"GET", "/supervise/cards", page, staff, "report", "read", (*Server).uiSuperviseCards},
	// Notifications (outbox): every message's state, for supervisors and system administrators.
	{"GET", "/api/v1/outbox", api, staff, "outbox", "read", (*Server).apiOutbox},
	{"GET", "/supervise/outbox", page, staff, "outbox", "read", (*Server).uiSuperviseOutbox},
	// Statistics per department, item, channel and month, with SVG charts and an XLSX export.
	{"GET", "/api/v1/statistics", api, staff, "report", "read", (*Server).apiStatistics},
	{"GET", "/supervise/statistics", page, staff, "report", "read", (*Server).uiSuperviseStatistics},
	{"GET", "/supervise/statistics.xlsx", page, staff, "report", "read", (*Server).uiStatisticsExport},
	{"GET", "/supervise/statistics/charts/:name", page, staff, "report", "read", (*Server).uiStatisticsChart},
}

// routes builds the engine from routeTable: public and applicant routes
// plain, citizen and staff routes through protect. Only the trusted proxies'
// X-Forwarded-For names the client (rate limits, the login log); gin trusts
// every proxy unless told otherwise.
func (s *Server) routes(trustedProxies []string) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(trustedProxies); err != nil {
		return nil, fmt.Errorf("handlers: trusted proxies: %w", err)
	}
	r.RemoteIPHeaders = []string{"X-Forwarded-For"}
	r.HandleMethodNotAllowed = true
	r.Use(s.metrics.observe(), requestID(), accessLog(s.log), s.recovery(), securityHeaders(s.secure), language(s.site, s.secure), elderMode(s.secure), s.authenticate(), s.csrf())
	for _, rt := range routeTable {
		s.register(r, rt)
	}
	r.NoRoute(s.notFound)
	r.NoMethod(s.methodNotAllowed)
	return r, nil
}

// register adds one line of the table to the engine: the handler answering
// as JSON or as a page, behind protect when the route needs a login.
func (s *Server) register(r *gin.Engine, rt route) {
	if rt.kind == static {
		prefix := strings.TrimSuffix(rt.path, "/*filepath")
		r.Group(prefix, cacheStatic()).StaticFS("/", http.FS(s.site.Static()))
		return
	}
	h := func(c *gin.Context) error { return rt.handler(s, c) }
	var gh gin.HandlerFunc
	if rt.kind == api {
		gh = s.api(h)
	} else {
		gh = s.page(h)
	}
	if rt.audience.needsLogin() {
		gh = s.protect(gh)
	}
	if rt.audience != public && rt.audience != account {
		gh = s.passwordGate(gh)
	}
	if rt.audience != public {
		gh = noStore(gh)
	}
	r.Handle(rt.method, rt.path, gh)
}

// noStore keeps staff pages and an applicant's own answers out of every cache (a shared
// counter PC's browser, a proxy): personal data is fetched again, never shown from history.
func noStore(next gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		next(c)
	}
}

// keys returns the route's "METHOD /path" entries as the router holds them.
func (rt route) keys() []string {
	if rt.kind == static {
		return []string{"GET " + rt.path, "HEAD " + rt.path}
	}
	return []string{rt.method + " " + rt.path}
}

// routeKeys lists the "METHOD /path" of the routes that keep says, sorted.
func routeKeys(keep func(route) bool) []string {
	var out []string
	for _, rt := range routeTable {
		if keep(rt) {
			out = append(out, rt.keys()...)
		}
	}
	slices.Sort(out)
	return out
}

// PublicRoutes lists the routes that need no login ("METHOD /path"), sorted.
func PublicRoutes() []string {
	return routeKeys(func(rt route) bool { return !rt.audience.needsLogin() })
}

// ProtectedRoutes lists the routes that need a login ("METHOD /path"), sorted.
func ProtectedRoutes() []string {
	return routeKeys(func(rt route) bool { return rt.audience.needsLogin() })
}

// APIRoutes lists the JSON API routes ("METHOD /path"), sorted; the OpenAPI
// document describes exactly these. The one action route stands for one
// path per action (…/actions/accept, …/actions/issue), as the document lists
// them, so that each action has its own request schema.
func APIRoutes() []string {
	var out []string
	for _, key := range routeKeys(func(rt route) bool { return rt.kind == api }) {
		if !strings.Contains(key, "/:action") {
			out = append(out, key)
			continue
		}
		for _, act := range workflow.Actions {
			if act != workflow.Submit && act != workflow.Register {
				out = append(out, strings.Replace(key, ":action", string(act), 1))
			}
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) notFound(c *gin.Context) {
	if isAPI(c) {
		s.apiError(c, notFound("resource"))
		return
	}
	s.pageError(c, notFound("page"))
}

func (s *Server) methodNotAllowed(c *gin.Context) {
	e := &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "method not allowed"}
	if isAPI(c) {
		s.apiError(c, e)
		return
	}
	s.pageError(c, e)
}

// recovery answers a panic with a clean 500 and logs it.
func (s *Server) recovery() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(gin.DefaultErrorWriter, func(c *gin.Context, rec any) {
		s.log.Error("panic", "id", c.GetString(ctxRequestID), "panic", rec)
		c.AbortWithStatusJSON(http.StatusInternalServerError,
			errorBody{Error: errorDetail{Code: "internal", Message: "internal error"}})
	})
}

// cacheStatic lets browsers keep hashed assets for a year.
func cacheStatic() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Query("v") != "" {
			c.Header("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Header("Cache-Control", "public, max-age=300")
		}
		if strings.HasSuffix(c.Request.URL.Path, "/") {
			c.AbortWithStatus(http.StatusNotFound)
			return
		}
		c.Next()
	}
}

func (s *Server) healthz(c *gin.Context) error {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "database unavailable", Err: err}
	}
	// Ready means able to take a filing: the disk above its floor, the last integrity probe
	// passed (its cached result) and a write committed (probed at most every few seconds).
	if err := s.store.Health(c.Request.Context()); err != nil {
		msg := "the database takes no writes"
		switch {
		case errors.Is(err, models.ErrDiskLow):
			msg = "the data folder's disk is nearly full"
		case errors.Is(err, models.ErrIntegrity):
			msg = "the database failed its last integrity probe (PRAGMA quick_check): restore it from a backup"
		}
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: msg, Err: err}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
	return nil
}
