package models

import (
	"errors"
	"slices"
	"time"
)

// Evaluation levels (好差评, DESIGN §2): 5 非常满意 … 1 非常不满意. Levels 1 and 2
// are 差评: each opens a rectification case for the department.
const (
	LevelVerySatisfied    = 5
	LevelSatisfied        = 4
	LevelFair             = 3
	LevelDissatisfied     = 2
	LevelVeryDissatisfied = 1
)

// PoorLevel reports whether level is a 差评 that must be followed up.
func PoorLevel(level int) bool { return level >= 1 && level <= LevelDissatisfied }

// Where an evaluation was given.
const (
	SourceOnline = "online" // the status page or the API, with the query code or the owner's account
	SourceWindow = "window" // the evaluation tablet beside the window
)

// EvaluationTags are the tags an applicant may pick, good ones first.
var EvaluationTags = []string{"efficient", "courteous", "clear_guidance", "one_visit",
	"slow", "many_visits", "unclear_materials", "poor_attitude", "system_trouble"}

// ValidTag reports whether t is one of EvaluationTags.
func ValidTag(t string) bool { return slices.Contains(EvaluationTags, t) }

// Rectification case states and the steps that lead to them.
const (
	CaseOpen      = "open"
	CaseVerified  = "verified"  // 回访核实 done
	CaseReplied   = "replied"   // the applicant has the department's reply
	CaseRectified = "rectified" // the rectification is done
	CaseClosed    = "closed"

	StepOpen    = "open"
	StepVerify  = "verify"
	StepReply   = "reply"
	StepRectify = "rectify"
	StepClose   = "close"
)

// CaseStates lists the case states in order.
var CaseStates = []string{CaseOpen, CaseVerified, CaseReplied, CaseRectified, CaseClosed}

// caseSteps is the one order of a case: the step each state takes next and where it leads.
var caseSteps = map[string]struct{ step, to string }{
	CaseOpen:      {StepVerify, CaseVerified},
	CaseVerified:  {StepReply, CaseReplied},
	CaseReplied:   {StepRectify, CaseRectified},
	CaseRectified: {StepClose, CaseClosed},
}

// NextStep is the step a case in state takes next ("" when closed).
func NextStep(state string) string { return caseSteps[state].step }

// DefaultRectificationDays is the working days a department has to close a case.
const DefaultRectificationDays = 15

// Errors of evaluations.
var (
	// ErrAlreadyEvaluated is a second rating of an application.
	ErrAlreadyEvaluated = errors.New("the application has already been evaluated")
	// ErrNotEvaluable is a rating before the application may be rated.
	ErrNotEvaluable = errors.New("the application cannot be evaluated yet")
)

// Evaluation is one applicant's rating of one application.
type Evaluation struct {
	ID             uint       `gorm:"primaryKey"`
	ApplicationID  uint       `gorm:"not null"`
	Number         string     `gorm:"not null"`
	ItemCode       string     `gorm:"not null"`
	ItemName       string     `gorm:"not null"`
	DepartmentCode string     `gorm:"not null"`
	Source         string     `gorm:"not null"`
	Clerk          string     `gorm:"not null"`
	Level          int        `gorm:"not null"`
	Tags           StringList `gorm:"type:text;not null"`
	Comment        string     `gorm:"not null"`
	CreatedAt      time.Time  `gorm:"not null"`

	Case *RectificationCase `gorm:"-"` // the 差评's case, or nil
}

// RectificationCase is the follow-up of a 差评 by the department.
type RectificationCase struct {
	ID             uint      `gorm:"primaryKey"`
	EvaluationID   uint      `gorm:"not null"`
	DepartmentCode string    `gorm:"not null"`
	State          string    `gorm:"not null"`
	DueOn          string    `gorm:"not null"`
	Reply          string    `gorm:"not null"`
	ClosedOn       string    `gorm:"not null"`
	Version        int       `gorm:"not null"`
	CreatedAt      time.Time `gorm:"not null"`
	UpdatedAt      time.Time `gorm:"not null"`

	Steps []RectificationStep `gorm:"foreignKey:CaseID"`
}

// Overdue reports whether the case is still open after its due day (today is a centre day).
func (c *RectificationCase) Overdue(today time.Time) bool {
	return c.State != CaseClosed && c.DueOn != "" && FormatDay(today) > c.DueOn
}

// RectificationStep is one recorded step of a case.
type RectificationStep struct {
	ID     uint      `gorm:"primaryKey"`
	CaseID uint      `gorm:"not null"`
	Seq    int       `gorm:"not null"`
	Step   string    `gorm:"not null"`
	Actor  string    `gorm:"not null"`
	Note   string    `gorm:"not null"`
	At     time.Time `gorm:"not null"`
}
