package models

import (
	"time"

	"onewindow/workflow"
)

// 黄牌 / 红牌 (DESIGN §8): supervision of the promised time limit. A task is
// carded yellow when its clock runs and at most CardYellowDays working days
// of the promised limit remain, red once the limit has passed. Each card is
// recorded once per task and colour (a row here and a 'warning' event in the
// application's chain); a stopped clock earns none while it is stopped.

// Card colours.
const (
	CardYellow = "yellow"
	CardRed    = "red"
)

// CardColours lists the colours, the milder first.
var CardColours = []string{CardYellow, CardRed}

// CardYellowDays is how many working days of the promised limit may remain
// at most for a yellow card: the task "has used its promised time but for two
// working days".
const CardYellowDays = 2

// DefaultEscalationDays is how many working days a red card may stand on an
// open task before it is listed as escalated to the department head.
const DefaultEscalationDays = 3

// ActionWarning is the event action a card appends to the application's
// chain. It is not a transition: the state stays and so does the version.
const ActionWarning workflow.Action = "warning"

// CardActor is the actor of a card's event.
const CardActor = "system"

// Card is one recorded warning of a task.
type Card struct {
	ID             uint      `gorm:"primaryKey"`
	TaskID         uint      `gorm:"not null"`
	ApplicationID  uint      `gorm:"not null"`
	Number         string    `gorm:"not null"`
	ItemName       string    `gorm:"not null"`
	Colour         string    `gorm:"not null"`
	DepartmentCode string    `gorm:"not null"`
	Assignee       string    `gorm:"not null"`
	Deadline       string    `gorm:"not null"`
	At             time.Time `gorm:"not null"`
}

// TableName keeps the table name of the migration.
func (Card) TableName() string { return "task_cards" }

// ValidCardColour reports whether c is a card colour.
func ValidCardColour(c string) bool { return c == CardYellow || c == CardRed }

// cardColour is the colour a running clock's task earns on today's bounds:
// red when its deadline is before last (the last working day up to today),
// yellow when it is at most soon; "" otherwise.
func cardColour(deadline, last, soon string) string {
	switch {
	case deadline == "":
		return ""
	case deadline < last:
		return CardRed
	case deadline <= soon:
		return CardYellow
	}
	return ""
}
