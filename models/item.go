package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"onewindow/models/form"
)

// Disposition values of a reviewed power item.
const (
	DispositionRetained  = "retained"
	DispositionCancelled = "cancelled"
	DispositionMerged    = "merged"
	DispositionDelegated = "delegated"
)

// Handling kinds of an item (project_type).
const (
	KindImmediate = "immediate" // 即办件
	KindPromised  = "promised"  // 承诺件
)

// Material necessity values.
const (
	NecessityRequired = "required" // 必要
	NecessityOptional = "optional" // 非必要
	NecessityDeferred = "deferred" // 容缺后补
)

// Publication states of an item.
const (
	ItemPublished = "published"
	ItemDraft     = "draft"
)

// Department is one of the district's government departments.
type Department struct {
	ID        uint   `gorm:"primaryKey"`
	Code      string `gorm:"uniqueIndex;size:16;not null"`
	Name      string `gorm:"not null"`
	ShortName string `gorm:"not null"`
	Sort      int    `gorm:"not null"`
	Phone     string `gorm:"not null"`
	Address   string `gorm:"not null"`
	// The office's opening hours, website and a short description; empty is unknown.
	Hours       string `gorm:"not null"`
	Website     string `gorm:"not null"`
	Description string `gorm:"not null"`
}

// ItemType is an item type of the national catalogue (01 行政许可 … 20 公共服务).
type ItemType struct {
	Code          string `gorm:"primaryKey;size:2"`
	Name          string `gorm:"not null"`
	PowerList     bool   `gorm:"not null"` // part of the power list (types 01–10)
	OnApplication bool   `gorm:"not null"` // filed on application by default
	Sort          int    `gorm:"not null"`
}

// StringList is a list of short strings stored as a JSON array in one column.
type StringList []string

// Value implements driver.Valuer.
func (l StringList) Value() (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}

// Scan implements sql.Scanner.
func (l *StringList) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*l = nil
		return nil
	default:
		return fmt.Errorf("models: scan StringList from %T", src)
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// Item is a power or service item with its whole service guide (办事指南).
type Item struct {
	ID                uint       `gorm:"primaryKey"`
	Code              string     `gorm:"uniqueIndex;size:100;not null"` // implementation code (task_code), any published length
	CatalogCode       string     `gorm:"size:64;not null;index"`        // basic code (catalog_code), optional
	MainName          string     `gorm:"not null"`                      // 主项名称: the main item this item is a sub-item of, or its own name
	Name              string     `gorm:"not null"`
	TypeCode          string     `gorm:"size:2;not null;index"`
	DepartmentCode    string     `gorm:"size:16;not null;index"`
	Disposition       string     `gorm:"size:16;not null;index"`
	DispositionReason string     `gorm:"not null"`
	DispositionBasis  string     `gorm:"not null"`
	MergedInto        string     `gorm:"size:100;not null"`
	OnApplication     bool       `gorm:"not null"`
	PowerSource       string     `gorm:"not null"`
	UseLevel          string     `gorm:"not null"`
	LegalBasis        string     `gorm:"not null"`
	ServiceObjects    StringList `gorm:"type:text;not null"`
	HandlingKind      string     `gorm:"size:16;not null"`
	StatutoryDays     *int       // nil: not published
	PromisedDays      *int       // nil: not published
	AcceptConditions  string     `gorm:"not null"`
	HandleForms       StringList `gorm:"type:text;not null"`
	Visits            *int       // nil: not published
	Location          string     `gorm:"not null"`
	Hours             string     `gorm:"not null"`
	Phone             string     `gorm:"not null"`
	ComplaintPhone    string     `gorm:"not null"`
	IsFee             *bool      // nil: not published
	FeeBasis          string     `gorm:"not null"`
	SpecialProcedure  string     `gorm:"not null"`
	ResultType        string     `gorm:"not null"`
	ResultName        string     `gorm:"not null"`
	OnlineDepth       *int       // nil: not published
	Area              string     `gorm:"not null"`
	FormSchema        string     `gorm:"type:text;not null"` // the application form (form.Schema as JSON); empty: the default form
	// 告知承诺制: whether the item takes the applicant's written pledge in place
	// of the proofs other bodies issue, the pledge's text, and the working days
	// within which the department checks (核查) it after the decision.
	PledgeAllowed   bool   `gorm:"not null"`
	PledgeText      string `gorm:"not null"`
	PledgeCheckDays *int   // nil: not published (required when the pledge is allowed)
	// PendingDays is how many working days a 容缺 material may follow in;
	// nil is unknown and the default (DefaultPendingDays) applies.
	PendingDays *int
	Status      string    `gorm:"size:16;not null"`
	Version     int       `gorm:"not null"`
	EffectiveOn string    `gorm:"size:10;not null"` // YYYY-MM-DD or empty
	CancelOn    string    `gorm:"size:10;not null"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`

	Materials   []Material       `gorm:"foreignKey:ItemID"`
	Fees        []Fee            `gorm:"foreignKey:ItemID"`
	Steps       []Step           `gorm:"foreignKey:ItemID"`
	Departments []ItemDepartment `gorm:"foreignKey:ItemID"` // the workflow definition
}

// Joint reports whether several departments approve the item in parallel.
func (it *Item) Joint() bool { return len(it.Departments) > 1 }

// Reduced reports whether the item was taken off the retained list.
func (it *Item) Reduced() bool { return it.Disposition != DispositionRetained }

// ApplicationForm is the item's application form: its own (FormSchema) or, when it has
// none, the default form for its name and service objects. Custom reports which.
func (it *Item) ApplicationForm() (s *form.Schema, custom bool, err error) {
	if it.FormSchema == "" {
		d := form.Default(it.Name, it.ServiceObjects)
		return &d, false, nil
	}
	s, err = form.Parse([]byte(it.FormSchema))
	if err != nil {
		return nil, true, fmt.Errorf("models: item %q form: %w", it.Code, err)
	}
	return s, true, nil
}

// Material is one row of an item's materials list.
type Material struct {
	ID        uint   `gorm:"primaryKey"`
	ItemID    uint   `gorm:"not null;index"`
	Key       string `gorm:"size:32;not null"` // stable key used by applications
	Sort      int    `gorm:"not null"`
	Name      string `gorm:"not null"`
	Necessity string `gorm:"size:16;not null"`
	Form      string `gorm:"size:16;not null"` // paper, electronic, both
	Kind      string `gorm:"size:16;not null"` // original, copy, both
	Copies    *int   // nil: not published
	Source    string `gorm:"size:16;not null"` // applicant, government, other
	BlankForm bool   `gorm:"not null"`
	Remark    string `gorm:"not null"`
	// PledgeReplaces: on an item that takes a 告知承诺, the applicant's pledge
	// may stand for this material (a proof).
	PledgeReplaces bool `gorm:"not null"`
}

// Fee is one fee item with its standard.
type Fee struct {
	ID       uint   `gorm:"primaryKey"`
	ItemID   uint   `gorm:"not null;index"`
	Sort     int    `gorm:"not null"`
	Name     string `gorm:"not null"`
	Standard string `gorm:"not null"`
	Basis    string `gorm:"not null"`
	// Exemption is the published 减免 rule; empty when none is published.
	Exemption string `gorm:"not null"`
}

// Step is one step of an item's handling process.
type Step struct {
	ID         uint   `gorm:"primaryKey"`
	ItemID     uint   `gorm:"not null;index"`
	Sort       int    `gorm:"not null"`
	Name       string `gorm:"not null"`
	Actor      string `gorm:"not null"`
	Days       int    `gorm:"not null"`
	CountsTime bool   `gorm:"not null"` // counts toward the time limit
	Note       string `gorm:"not null"`
}

// ItemDepartment is one department taking part in an item's workflow.
type ItemDepartment struct {
	ID             uint       `gorm:"primaryKey"`
	ItemID         uint       `gorm:"not null;index"`
	Sort           int        `gorm:"not null"`
	DepartmentCode string     `gorm:"size:16;not null"`
	Stages         StringList `gorm:"type:text;not null"` // review, decide
	// Plan is the department's own sequence of stages (初审 → 复审 → 决定);
	// empty runs the default review and decide of Stages.
	Plan StagePlan `gorm:"column:stage_plan;type:text"`
}

// Known values of a guide's optional numbers: unknown (nil) is never 0.

// IntPtr returns a pointer to n, for a known number.
func IntPtr(n int) *int { return &n }

// BoolPtr returns a pointer to b, for a known yes or no.
func BoolPtr(b bool) *bool { return &b }

// Filing gaps: what a guide must publish before it takes applications.
const (
	GapHandlingKind  = "handling_kind"
	GapStatutoryDays = "statutory_days"
	GapPromisedDays  = "promised_days"
	GapMaterials     = "materials"
)

// FilingGaps lists what the item's guide lacks for a filing, in guide order:
// the handling kind, the time limits of a promised item (an immediate item is
// decided at once) and the materials list. An item with gaps is published for
// reading and takes no application until a catalogue administrator completes it.
func (it *Item) FilingGaps() []string {
	var gaps []string
	if it.HandlingKind == "" {
		gaps = append(gaps, GapHandlingKind)
	}
	if it.HandlingKind != KindImmediate {
		if it.StatutoryDays == nil {
			gaps = append(gaps, GapStatutoryDays)
		}
		if it.PromisedDays == nil {
			gaps = append(gaps, GapPromisedDays)
		}
	}
	if len(it.Materials) == 0 {
		gaps = append(gaps, GapMaterials)
	}
	return gaps
}

// Days returns a known number of days, or 0 for an unknown one where a
// computation needs a number (callers refuse unknown limits before that).
func Days(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}
