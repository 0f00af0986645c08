package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"onewindow/models/form"
	"onewindow/workflow"
)

// Applicant kinds.
const (
	ApplicantPerson       = "person"
	ApplicantOrganisation = "organisation"
)

// Channels an application arrives through.
const (
	ChannelOnline = "online"
	ChannelWindow = "window"
)

// Applicant is a person or organisation, keyed by its identity number (一号).
type Applicant struct {
	ID       uint   `gorm:"primaryKey"`
	Kind     string `gorm:"not null"`
	IDKind   string `gorm:"column:id_kind;not null"`
	IDNumber string `gorm:"column:id_number;not null;serializer:sealed"` // sealed at rest
	IDIndex  string `gorm:"column:id_index;not null"`                    // blind index of IDNumber
	Name     string `gorm:"not null"`
	Phone    string `gorm:"not null;serializer:sealed"`
	Address  string `gorm:"not null;serializer:sealed"`
	// Proven: the profile was given by someone who proved the number (a signed-in citizen,
	// the window); an anonymous filing's is not shown as the applicant's.
	Proven    bool `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Definition is what an application keeps of its item as filed: the workflow
// definition and the guide facts that later edits must not change.
type Definition struct {
	ItemType      string           `json:"item_type"`
	Immediate     bool             `json:"immediate"`
	StatutoryDays int              `json:"statutory_days"`
	PromisedDays  int              `json:"promised_days"`
	Departments   []DefinitionDept `json:"departments"`
	Materials     []Material       `json:"materials"`
	ResultName    string           `json:"result_name"`
	// PendingDays is how many working days a 容缺 material may follow in;
	// 0 is the default (DefaultPendingDays).
	PendingDays int    `json:"pending_days,omitempty"`
	LegalBasis  string `json:"legal_basis"`
	// Pledge is the item's 告知承诺 as filed; nil when the item takes none.
	Pledge *DefinitionPledge `json:"pledge,omitempty"`
	// Form is the application form the filing answered; an application keeps it whatever
	// the item's form becomes later. Nil for applications filed before forms existed.
	Form *form.Schema `json:"form,omitempty"`
	// Charges: the item charges a fee (是否收费 published as 是) when filed;
	// such an application gets a 缴费 step before its result is issued.
	Charges bool `json:"charges,omitempty"`
	// Fees are the item's fee items as filed (name, standard, basis, exemption).
	Fees []Fee `json:"fees,omitempty"`
}

// DefinitionPledge is an item's 告知承诺 as an application keeps it.
type DefinitionPledge struct {
	Text      string `json:"text"`
	CheckDays int    `json:"check_days"`
}

// DefinitionDept is one department taking part, with the stages it runs.
type DefinitionDept struct {
	Department string   `json:"department"`
	Stages     []string `json:"stages"`
	// Plan is the department's own sequence of stages as filed; empty for
	// the default review and decide.
	Plan []workflow.StageStep `json:"plan,omitempty"`
}

// Value stores the definition as JSON.
func (d Definition) Value() (driver.Value, error) {
	b, err := json.Marshal(d)
	return string(b), err
}

// Scan reads the definition from JSON.
func (d *Definition) Scan(v any) error {
	switch x := v.(type) {
	case string:
		return json.Unmarshal([]byte(x), d)
	case []byte:
		return json.Unmarshal(x, d)
	case nil:
		*d = Definition{}
		return nil
	}
	return fmt.Errorf("models: definition from %T", v)
}

// FormData is the application form's answers (form.Values), stored as JSON.
type FormData form.Values

// Value stores the answers as JSON.
func (f FormData) Value() (driver.Value, error) {
	if f == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]any(f))
	return string(b), err
}

// Scan reads the answers from JSON.
func (f *FormData) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	case nil:
		*f = FormData{}
		return nil
	default:
		return fmt.Errorf("models: form from %T", v)
	}
	if isSealed(string(b)) {
		plain, err := unseal(string(b))
		if err != nil {
			return err
		}
		b = []byte(plain)
	}
	vals, err := form.Decode(b)
	if err != nil {
		return err
	}
	*f = FormData(vals)
	return nil
}

// Application is one filing (办件) against an item version.
type Application struct {
	ID                uint           `gorm:"primaryKey"`
	Number            string         `gorm:"not null;uniqueIndex"`
	QueryCodeHash     string         `gorm:"not null"`
	ItemCode          string         `gorm:"not null"`
	ItemVersion       int            `gorm:"not null"`
	ItemName          string         `gorm:"not null"`
	DepartmentCode    string         `gorm:"not null"`
	DefinitionID      uint           `gorm:"not null"`
	Definition        Definition     `gorm:"-"` // loaded from application_definitions
	Joint             bool           `gorm:"not null"`
	Immediate         bool           `gorm:"not null"`
	ApplicantID       uint           `gorm:"not null"`
	ApplicantKind     string         `gorm:"not null"`
	ApplicantName     string         `gorm:"not null"`
	ApplicantIDNumber string         `gorm:"column:applicant_id_number;not null;serializer:sealed"`
	ApplicantIDIndex  string         `gorm:"column:applicant_id_index;not null"`
	ApplicantPhone    string         `gorm:"not null;serializer:sealed"`
	Channel           string         `gorm:"not null"`
	Form              FormData       `gorm:"type:text;not null"`
	State             workflow.State `gorm:"not null"`
	Version           int            `gorm:"not null"`
	SubmittedAt       time.Time      `gorm:"not null"`
	AcceptedOn        string         `gorm:"not null"`
	StatutoryDays     int            `gorm:"not null"`
	PromisedDays      int            `gorm:"not null"`
	ExtendedDays      int            `gorm:"not null"`
	StoppedDays       int            `gorm:"not null"`
	StoppedSince      string         `gorm:"not null"`
	EndedOn           string         `gorm:"not null"`
	PromisedDeadline  string         `gorm:"not null"`
	StatutoryDeadline string         `gorm:"not null"`
	PendingDue        string         `gorm:"not null"`
	Result            string         `gorm:"not null"`
	ResultNumber      string         `gorm:"not null"`
	Delivery          string         `gorm:"not null"`
	TrackingNumber    string         `gorm:"not null"`
	CreatedBy         string         `gorm:"not null"`
	LastHash          string         `gorm:"not null"`
	EventCount        int            `gorm:"not null"`
	UpdatedAt         time.Time      `gorm:"not null"`
	BundleFilingID    uint           `gorm:"not null"` // the bundle filing this is a child of; 0 for none
	// NotifyChannels are the channels the applicant chose for notifications
	// ("sms", "email", "sms,email" or ""); NotifyLang the language to write in.
	NotifyChannels string `gorm:"not null"`
	NotifyLang     string `gorm:"not null"`
	ApplicantEmail string `gorm:"not null;serializer:sealed"`

	Materials []AppMaterial `gorm:"foreignKey:ApplicationID"`
	Files     []AppFile     `gorm:"foreignKey:ApplicationID"`
	Tasks     []Task        `gorm:"foreignKey:ApplicationID"`
	Events    []Event       `gorm:"foreignKey:ApplicationID"`
}

// Clock returns the application's legal clock.
func (a *Application) Clock() workflow.Clock {
	return workflow.Clock{
		AcceptedOn:    parseDay(a.AcceptedOn),
		StatutoryDays: a.StatutoryDays,
		PromisedDays:  a.PromisedDays,
		ExtendedDays:  a.ExtendedDays,
		StoppedDays:   a.StoppedDays,
		StoppedSince:  parseDay(a.StoppedSince),
		EndedOn:       parseDay(a.EndedOn),
		Immediate:     a.Immediate,
	}
}

func (a *Application) setClock(c workflow.Clock, cal *workflow.Calendar, today time.Time) {
	a.AcceptedOn = FormatDay(c.AcceptedOn)
	a.ExtendedDays = c.ExtendedDays
	a.StoppedDays = c.StoppedDays
	a.StoppedSince = FormatDay(c.StoppedSince)
	a.EndedOn = FormatDay(c.EndedOn)
	a.PromisedDeadline = FormatDay(c.PromisedDeadline(cal, today))
	a.StatutoryDeadline = FormatDay(c.StatutoryDeadline(cal, today))
}

// Facts are what the transition table's conditions need to know, with the
// number of departments other than dept that still have to decide.
func (a *Application) Facts(dept string) workflow.Facts {
	f := workflow.Facts{WasAccepted: a.AcceptedOn != "", Immediate: a.Immediate}
	for _, t := range a.Tasks {
		if t.DepartmentCode != dept && workflow.Stage(t.Stage).Open() {
			f.PendingDecisions++
		}
	}
	return f
}

// Task returns the application's task of a department, or nil.
func (a *Application) Task(dept string) *Task {
	for i := range a.Tasks {
		if a.Tasks[i].DepartmentCode == dept {
			return &a.Tasks[i]
		}
	}
	return nil
}

// AppMaterial is one line of an application's materials checklist.
type AppMaterial struct {
	ID            uint   `gorm:"primaryKey"`
	ApplicationID uint   `gorm:"not null"`
	MaterialKey   string `gorm:"not null"`
	Sort          int    `gorm:"not null"`
	Name          string `gorm:"not null"`
	Necessity     string `gorm:"not null"`
	Kind          string `gorm:"not null"`
	Copies        int    `gorm:"not null"`
	Provided      bool   `gorm:"not null"`
	Pending       bool   `gorm:"not null"`
	Pledged       bool   `gorm:"not null"` // replaced by the applicant's pledge (告知承诺)
}

// TableName keeps the table name of the migration.
func (AppMaterial) TableName() string { return "application_materials" }

// AppFile is an uploaded file, stored by its content address.
type AppFile struct {
	ID            uint      `gorm:"primaryKey"`
	ApplicationID uint      `gorm:"not null"`
	MaterialKey   string    `gorm:"not null"`
	SHA256        string    `gorm:"column:sha256;not null"`
	Size          int64     `gorm:"not null"`
	ContentType   string    `gorm:"not null"`
	DisplayName   string    `gorm:"not null"`
	UploadedBy    string    `gorm:"not null"`
	CreatedAt     time.Time `gorm:"not null"`
}

// TableName keeps the table name of the migration.
func (AppFile) TableName() string { return "application_files" }

// Task is one department's part of an application.
type Task struct {
	ID               uint       `gorm:"primaryKey"`
	ApplicationID    uint       `gorm:"not null"`
	DepartmentCode   string     `gorm:"not null"`
	Sort             int        `gorm:"not null"`
	Stages           StringList `gorm:"type:text;not null"`
	Stage            string     `gorm:"not null"`
	ClaimedBy        string     `gorm:"not null"`
	DecidedBy        string     `gorm:"not null"`
	DecidedAt        *time.Time
	Comment          string `gorm:"not null"`
	PromisedDeadline string `gorm:"not null"`
	// Step is where the task stands in its department's own sequence of
	// stages, StageName that stage's name and StageDue its own due date
	// (YYYY-MM-DD, "" when the stage has no share of the limit). All three
	// stay zero for the default review and decide.
	Step      int       `gorm:"not null"`
	StageName string    `gorm:"not null"`
	StageDue  string    `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// TableName keeps the table name of the migration.
func (Task) TableName() string { return "application_tasks" }

// Event is one append-only, hash-chained entry of an application's history.
type Event struct {
	ID            uint            `gorm:"primaryKey"`
	ApplicationID uint            `gorm:"not null"`
	Seq           int             `gorm:"not null"`
	At            time.Time       `gorm:"not null"`
	Actor         string          `gorm:"not null"`
	Role          string          `gorm:"not null"`
	Department    string          `gorm:"not null"`
	Action        workflow.Action `gorm:"not null"`
	FromState     workflow.State  `gorm:"not null"`
	ToState       workflow.State  `gorm:"not null"`
	Comment       string          `gorm:"not null"`
	Detail        string          `gorm:"not null"`
	PrevHash      string          `gorm:"not null"`
	Hash          string          `gorm:"not null"`
}

// TableName keeps the table name of the migration.
func (Event) TableName() string { return "application_events" }

// Link is the event as the audit chain sees it.
func (e Event) Link(number string) workflow.Link {
	return workflow.Link{Application: number, Seq: e.Seq, At: e.At, Actor: e.Actor, Role: e.Role,
		Department: e.Department, Action: e.Action, From: e.FromState, To: e.ToState,
		Comment: e.Comment, Detail: e.Detail, PrevHash: e.PrevHash}
}

// Fields returns the action fields recorded with the event.
func (e Event) Fields() map[string]string {
	m := map[string]string{}
	_ = json.Unmarshal([]byte(e.Detail), &m)
	return m
}

// The centre's time zone: days of the clock and application numbers are its days.
var centreZone = time.FixedZone("CST", 8*3600)

// CentreZone is the centre's time zone (China Standard Time).
func CentreZone() *time.Location { return centreZone }

// CentreDay returns t's calendar date in the centre's time zone as midnight UTC,
// the form the working-day calendar works in.
func CentreDay(t time.Time) time.Time {
	y, m, d := t.In(centreZone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func parseDay(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := workflow.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// FormatDay writes a calendar date as YYYY-MM-DD, and the zero time as "".
func FormatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
