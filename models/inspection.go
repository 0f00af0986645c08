package models

import (
	"errors"
	"time"
)

// 双随机一公开 (DESIGN §8): 一单两库一细则 and the plans whose draws are
// committed before and verifiable after (workflow/draw.go).

// Inspection methods (抽查方式).
var InspectionMethods = []string{"onsite", "written", "online"}

// Risk levels of entities (信用风险分类), the strata of a draw: A low … D high.
var RiskLevels = []string{"A", "B", "C", "D"}

// Plan states.
const (
	PlanDraft     = "draft"     // being prepared; not public
	PlanCommitted = "committed" // lists frozen, digests and commitment published
	PlanDrawn     = "drawn"     // the tasks are drawn; the seed not yet public
	PlanPublished = "published" // the seed is revealed with the result
)

// Inspection results of a task.
var InspectionResults = []string{"no_problem", "rectify", "case", "not_operating", "not_found"}

// InspectionResultDays is the working days after the draw within which results are published.
const InspectionResultDays = 20

// Errors of inspections.
var (
	// ErrPlanState is an action the plan's state does not allow.
	ErrPlanState = errors.New("the plan's state does not allow this")
)

// InspectionListItem is one row of a department's 随机抽查事项清单.
type InspectionListItem struct {
	ID             uint      `gorm:"primaryKey" json:"id"`
	DepartmentCode string    `gorm:"not null" json:"department"`
	ItemCode       string    `gorm:"not null" json:"item_code"`
	Name           string    `gorm:"not null" json:"name"`
	SubItem        string    `gorm:"not null" json:"sub_item"`
	Basis          string    `gorm:"not null" json:"basis"`
	Subject        string    `gorm:"not null" json:"subject"`
	Object         string    `gorm:"not null" json:"object"`
	Content        string    `gorm:"not null" json:"content"`
	Method         string    `gorm:"not null" json:"method"`
	Ratio          string    `gorm:"not null" json:"ratio"`
	Frequency      string    `gorm:"not null" json:"frequency"`
	Requirement    string    `gorm:"not null" json:"requirement"`
	CreatedAt      time.Time `gorm:"not null" json:"-"`
}

// TableName names the table.
func (InspectionListItem) TableName() string { return "inspection_list_items" }

// InspectionEntity is one entity of the 检查对象名录库.
type InspectionEntity struct {
	ID              uint      `gorm:"primaryKey"`
	CreditCode      string    `gorm:"not null"`
	Name            string    `gorm:"not null"`
	Kind            string    `gorm:"not null"`
	Industry        string    `gorm:"not null"`
	Address         string    `gorm:"not null"`
	Town            string    `gorm:"not null"`
	RegisteredOn    string    `gorm:"not null"`
	RiskLevel       string    `gorm:"not null"`
	SpecialPools    string    `gorm:"not null"`
	LastInspectedOn string    `gorm:"not null"`
	CreatedAt       time.Time `gorm:"not null"`
}

// TableName names the table.
func (InspectionEntity) TableName() string { return "inspection_entities" }

// Inspector is one member of the 执法检查人员名录库.
type Inspector struct {
	ID             uint      `gorm:"primaryKey"`
	CertNo         string    `gorm:"not null"`
	Name           string    `gorm:"not null"`
	DepartmentCode string    `gorm:"not null"`
	Specialties    string    `gorm:"not null"`
	Status         string    `gorm:"not null"`
	Inspections    int       `gorm:"not null"`
	CreatedAt      time.Time `gorm:"not null"`
}

// TableName names the table.
func (Inspector) TableName() string { return "inspection_inspectors" }

// InspectionConflict records that an inspector may not inspect an entity.
type InspectionConflict struct {
	InspectorID uint   `gorm:"primaryKey"`
	EntityID    uint   `gorm:"primaryKey"`
	Reason      string `gorm:"not null"`
}

// TableName names the table.
func (InspectionConflict) TableName() string { return "inspection_conflicts" }

// InspectionRules is a department's 抽查细则. Ratios are per mille of each risk level.
type InspectionRules struct {
	DepartmentCode string    `gorm:"primaryKey"`
	RatioA         int       `gorm:"not null"`
	RatioB         int       `gorm:"not null"`
	RatioC         int       `gorm:"not null"`
	RatioD         int       `gorm:"not null"`
	Inspectors     int       `gorm:"not null"`
	ExcludeMonths  int       `gorm:"not null"`
	Avoidance      string    `gorm:"not null"`
	UpdatedAt      time.Time `gorm:"not null"`
}

// TableName names the table.
func (InspectionRules) TableName() string { return "inspection_rules" }

// Ratio is the per mille drawn of a risk level.
func (r InspectionRules) Ratio(level string) int {
	switch level {
	case "A":
		return r.RatioA
	case "B":
		return r.RatioB
	case "C":
		return r.RatioC
	}
	return r.RatioD
}

// DefaultInspectionRules are the rules of a department that has set none:
// 3%, 5%, 10% and 20% of levels A–D, two inspectors, no exclusion.
func DefaultInspectionRules(dept string) InspectionRules {
	return InspectionRules{DepartmentCode: dept, RatioA: 30, RatioB: 50, RatioC: 100, RatioD: 200, Inspectors: 2,
		Avoidance: "与检查对象有利害关系的检查人员应当回避"}
}

// InspectionPlan is an annual or joint plan and its draw.
type InspectionPlan struct {
	ID               uint       `gorm:"primaryKey"`
	DepartmentCode   string     `gorm:"not null"`
	Departments      StringList `gorm:"type:text;not null"`
	Year             int        `gorm:"not null"`
	Title            string     `gorm:"not null"`
	ListItemID       *uint
	Industry         string `gorm:"not null"`
	State            string `gorm:"not null"`
	Params           string `gorm:"not null"`
	ParamsSHA256     string `gorm:"column:params_sha256;not null"`
	EntitiesSHA256   string `gorm:"column:entities_sha256;not null"`
	InspectorsSHA256 string `gorm:"column:inspectors_sha256;not null"`
	InputsSHA256     string `gorm:"column:inputs_sha256;not null"`
	Commitment       string `gorm:"not null"`
	Seed             string `gorm:"not null"`
	CommittedAt      *time.Time
	DrawnAt          *time.Time
	PublishedAt      *time.Time
	ResultsDueOn     string    `gorm:"not null"`
	Version          int       `gorm:"not null"`
	CreatedBy        string    `gorm:"not null"`
	CreatedAt        time.Time `gorm:"not null"`
}

// TableName names the table.
func (InspectionPlan) TableName() string { return "inspection_plans" }

// Joint reports whether more than one department takes part.
func (p *InspectionPlan) Joint() bool { return len(p.Departments) > 1 }

// PublicSeed is the seed once it may be shown, else "".
func (p *InspectionPlan) PublicSeed() string {
	if p.State == PlanPublished {
		return p.Seed
	}
	return ""
}

// Public reports whether the plan is shown to the public (committed or later).
func (p *InspectionPlan) Public() bool { return p.State != PlanDraft }

// InspectionCandidate is one row of a plan's frozen candidate lists.
type InspectionCandidate struct {
	PlanID     uint   `gorm:"primaryKey"`
	Kind       string `gorm:"primaryKey"`
	Seq        int    `gorm:"primaryKey"`
	Ref        string `gorm:"not null"`
	Stratum    string `gorm:"not null"`
	Department string `gorm:"not null"`
	Avoid      string `gorm:"not null"`
}

// TableName names the table.
func (InspectionCandidate) TableName() string { return "inspection_candidates" }

// InspectionTask is one drawn inspection and its result.
type InspectionTask struct {
	ID         uint   `gorm:"primaryKey"`
	PlanID     uint   `gorm:"not null"`
	Seq        int    `gorm:"not null"`
	CreditCode string `gorm:"not null"`
	Stratum    string `gorm:"not null"`
	Inspectors string `gorm:"not null"`
	Result     string `gorm:"not null"`
	ResultNote string `gorm:"not null"`
	ResultOn   string `gorm:"not null"`
	RecordedBy string `gorm:"not null"`
	Version    int    `gorm:"not null"`

	EntityName     string   `gorm:"-"`
	InspectorNames []string `gorm:"-"`
}

// TableName names the table.
func (InspectionTask) TableName() string { return "inspection_tasks" }

// Overdue reports whether the task's result is still missing after the plan's due day.
func (t *InspectionTask) Overdue(dueOn string, today time.Time) bool {
	return t.Result == "" && dueOn != "" && FormatDay(today) > dueOn
}
