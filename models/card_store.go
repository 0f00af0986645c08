package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"

	"onewindow/workflow"
)

// cardSweepChunk bounds the cards one write transaction records.
const cardSweepChunk = 100

// cardTask is an open task whose running clock may earn a card, with what
// the card's event needs of its application.
type cardTask struct {
	TaskID           uint
	ApplicationID    uint
	Department       string
	ClaimedBy        string
	PromisedDeadline string
	Number           string
	ItemName         string
	State            workflow.State
	LastHash         string
	EventCount       int
}

// cardTasks selects open tasks of running clocks (accepted, not stopped, not
// ended) whose promised deadline is at most the bound given.
const cardTasks = `SELECT t.id AS task_id, t.application_id, t.department_code AS department, t.claimed_by,
	t.promised_deadline, a.number, a.item_name, a.state, a.last_hash, a.event_count
	FROM application_tasks AS t JOIN applications AS a ON a.id = t.application_id
	WHERE ` + openTasks + ` AND a.stopped_since = '' AND a.accepted_on <> '' AND a.ended_on = ''
	AND t.promised_deadline <> '' AND t.promised_deadline <= ?`

// SweepResult counts the cards one sweep recorded.
type SweepResult struct {
	Yellow, Red int
}

// SweepCards records the cards open tasks have earned by today (a centre
// day of now): yellow with at most CardYellowDays working days of the
// promised limit left, red past it; a stopped clock earns none. Each card is
// a task_cards row and a 'warning' event in the application's chain, written
// together; the row's UNIQUE (task, colour) makes a card another sweeper (another
// instance) recorded first a no-op, so each is recorded exactly once. The
// event does not bump the application's version: it changes nothing a staff
// form acts on, and an open form must not fail as stale because of it.
// A task whose limit passed before it was ever carded gets the red card only.
func (s *Store) SweepCards(ctx context.Context, cal *workflow.Calendar, now time.Time) (SweepResult, error) {
	var res SweepResult
	if cal == nil {
		return res, errors.New("models: sweep cards: no calendar")
	}
	last, soon := dueBounds(cal, CentreDay(now), CardYellowDays)
	for {
		var todo []cardTask
		err := s.read.WithContext(ctx).Raw(cardTasks+` AND NOT EXISTS (SELECT 1 FROM task_cards AS c
			WHERE c.task_id = t.id AND c.colour = CASE WHEN t.promised_deadline < ? THEN 'red' ELSE 'yellow' END)
			ORDER BY t.promised_deadline, t.id LIMIT ?`, soon, last, cardSweepChunk).Scan(&todo).Error
		if err != nil {
			return res, fmt.Errorf("models: sweep cards: %w", err)
		}
		if len(todo) == 0 {
			return res, nil
		}
		got, depts, err := s.recordCards(ctx, todo, last, soon, now)
		if err != nil {
			return res, fmt.Errorf("models: sweep cards: %w", err)
		}
		res.Yellow += got.Yellow
		res.Red += got.Red
		if n := got.Yellow + got.Red; n > 0 {
			s.changes.appended(int64(n))
			s.work.bump(depts...)
		}
		if len(todo) < cardSweepChunk || got.Yellow+got.Red == 0 {
			// Every candidate was carded (or changed) by now; a short page was the last.
			return res, nil
		}
	}
}

// recordCards records the cards of todo in one write transaction, each task
// re-read there: what changed since the candidates were read earns what it
// earns now, and a card already recorded is not recorded again.
func (s *Store) recordCards(ctx context.Context, todo []cardTask, last, soon string, now time.Time) (SweepResult, []string, error) {
	var res SweepResult
	var depts []string
	at := now.UTC().Truncate(time.Microsecond)
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		res, depts = SweepResult{}, nil // a retried batch starts again
		for _, c := range todo {
			var cur []cardTask
			if err := tx.Raw(cardTasks+` AND t.id = ?`, soon, c.TaskID).Scan(&cur).Error; err != nil {
				return err
			}
			if len(cur) == 0 {
				continue // decided, stopped or extended meanwhile
			}
			t := cur[0]
			colour := cardColour(t.PromisedDeadline, last, soon)
			if colour == "" {
				continue
			}
			ins := tx.Exec(`INSERT INTO task_cards (task_id, application_id, number, item_name, colour, department_code,
				assignee, deadline, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id, colour) DO NOTHING`,
				t.TaskID, t.ApplicationID, t.Number, t.ItemName, colour, t.Department, t.ClaimedBy, t.PromisedDeadline, at)
			if ins.Error != nil {
				return ins.Error
			}
			if ins.RowsAffected == 0 {
				continue // recorded by another sweeper
			}
			if err := appendWarning(tx, t, colour, at); err != nil {
				return err
			}
			if colour == CardRed {
				res.Red++
			} else {
				res.Yellow++
			}
			depts = append(depts, t.Department)
		}
		return nil
	})
	return res, depts, err
}

// appendWarning appends a card's event to the application's chain without a
// transition: state and version stay, the chain's head moves.
func appendWarning(tx *gorm.DB, t cardTask, colour string, at time.Time) error {
	detail, err := json.Marshal(map[string]string{"colour": colour, "deadline": t.PromisedDeadline, "assignee": t.ClaimedBy})
	if err != nil {
		return err
	}
	e := Event{ApplicationID: t.ApplicationID, Seq: t.EventCount + 1, At: at, Actor: CardActor, Role: "",
		Department: t.Department, Action: ActionWarning, FromState: t.State, ToState: t.State,
		Comment: "", Detail: string(detail), PrevHash: t.LastHash}
	e.Hash = e.Link(t.Number).Hash()
	if err := tx.Create(&e).Error; err != nil {
		return err
	}
	res := tx.Exec(`UPDATE applications SET last_hash = ?, event_count = ? WHERE id = ? AND event_count = ?`,
		e.Hash, e.Seq, t.ApplicationID, t.EventCount)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	return nil
}

// CardFilter selects cards; empty fields select all.
type CardFilter struct {
	Colour     string
	Department string
	From, To   string // YYYY-MM-DD centre days of the card, inclusive
	Limit      int    // rows of the list, 1..1000, default 200
}

// CardRow is a card with the state of its task now.
type CardRow struct {
	Card
	TaskStage string // the task's stage now: review, decide (open) or decided/closed
}

// CardCount counts cards of one department or person by colour.
type CardCount struct {
	Key    string // the department code or the assignee ("" unclaimed)
	Yellow int64
	Red    int64
}

// CardReport is a filtered list of cards, newest first, and their counts.
type CardReport struct {
	Cards        []CardRow
	Total        int64 // every card the filter selects (the list may be shorter)
	ByDepartment []CardCount
	ByPerson     []CardCount
}

// Cards reads the cards the filter selects with counts by department and
// by person (the assignee when carded).
func (s *Store) Cards(ctx context.Context, f CardFilter) (*CardReport, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	limit = min(limit, 1000)
	where := func() *gorm.DB {
		q := s.read.WithContext(ctx).Table("task_cards AS c")
		if f.Colour != "" {
			q = q.Where("c.colour = ?", f.Colour)
		}
		if f.Department != "" {
			q = q.Where("c.department_code = ?", f.Department)
		}
		if f.From != "" {
			q = q.Where("c.at >= ?", centreMidnight(f.From))
		}
		if f.To != "" {
			q = q.Where("c.at < ?", centreMidnight(f.To).AddDate(0, 0, 1))
		}
		return q
	}
	out := &CardReport{}
	if err := where().Joins("JOIN application_tasks AS t ON t.id = c.task_id").
		Select("c.*, t.stage AS task_stage").Order("c.at DESC, c.id DESC").Limit(limit).Scan(&out.Cards).Error; err != nil {
		return nil, fmt.Errorf("models: cards: %w", err)
	}
	count := func(col string, dst *[]CardCount) error {
		return where().Select(col + ` AS key, SUM(CASE WHEN c.colour = 'yellow' THEN 1 ELSE 0 END) AS yellow,
			SUM(CASE WHEN c.colour = 'red' THEN 1 ELSE 0 END) AS red`).Group(col).Order(col).Scan(dst).Error
	}
	if err := count("c.department_code", &out.ByDepartment); err != nil {
		return nil, fmt.Errorf("models: cards by department: %w", err)
	}
	if err := count("c.assignee", &out.ByPerson); err != nil {
		return nil, fmt.Errorf("models: cards by person: %w", err)
	}
	for _, d := range out.ByDepartment {
		out.Total += d.Yellow + d.Red
	}
	return out, nil
}

// TaskCards returns the strongest card of each of the tasks (red over
// yellow); tasks without a card are absent.
func (s *Store) TaskCards(ctx context.Context, taskIDs []uint) (map[uint]string, error) {
	out := map[uint]string{}
	if len(taskIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		TaskID uint
		Colour string
	}
	if err := s.read.WithContext(ctx).Raw(`SELECT task_id, colour FROM task_cards WHERE task_id IN ?`, taskIDs).
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: task cards: %w", err)
	}
	for _, r := range rows {
		if out[r.TaskID] != CardRed {
			out[r.TaskID] = r.Colour
		}
	}
	return out, nil
}

// Escalated reports whether a card stands escalated to the department head on
// today: a red card on a task still open, older than days working days.
func (r CardRow) Escalated(cal *workflow.Calendar, today time.Time, days int) bool {
	return r.Colour == CardRed && workflow.Stage(r.TaskStage).Open() &&
		cal.WorkdaysBetween(CentreDay(r.At), today) > days
}

// cardTally counts the cards by colour for the metrics. Cards are never
// changed or deleted (the table's triggers), so each read counts only those
// added since the last and the tally stays exact without reading them all again.
type cardTally struct {
	mu     sync.Mutex
	lastID uint
	counts map[string]int64
}

// ColourCount is the number of cards of one colour.
type ColourCount struct {
	Colour string
	Count  int64
}

func (t *cardTally) tally(db *gorm.DB) ([]ColourCount, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var rows []struct {
		Colour string
		Count  int64
		MaxID  uint
	}
	if err := db.Raw(`SELECT colour, COUNT(*) AS count, MAX(id) AS max_id FROM task_cards WHERE id > ? GROUP BY colour`, t.lastID).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	counts, last := map[string]int64{}, t.lastID
	for k, v := range t.counts {
		counts[k] = v
	}
	for _, r := range rows {
		if !ValidCardColour(r.Colour) {
			return nil, fmt.Errorf("a card of colour %q", r.Colour)
		}
		counts[r.Colour] += r.Count
		last = max(last, r.MaxID)
	}
	t.counts, t.lastID = counts, last
	out := make([]ColourCount, 0, len(CardColours))
	for _, c := range CardColours {
		out = append(out, ColourCount{Colour: c, Count: counts[c]})
	}
	return out, nil
}

// centreMidnight is the start of a YYYY-MM-DD centre day, in UTC as times are stored.
func centreMidnight(day string) time.Time {
	d := parseDay(day)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, centreZone).UTC()
}
