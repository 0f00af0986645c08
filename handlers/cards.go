package handlers

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
	"onewindow/workflow"
)

// 黄牌 / 红牌 for supervisors (DESIGN §8): the cards the sweeper recorded, by
// department and by person, filtered by colour, department and day; a red
// card standing on an open task for more than escalationDays working days
// (Config.CardEscalationDays, default 3) is marked escalated to the department head. Escalation is a mark computed when
// read (no role or notification is added): the head sees it here.

// escalationDays is how many working days a red card may stand before it is escalated.
func (s *Server) escalationDays() int {
	if s.escalateDays > 0 {
		return s.escalateDays
	}
	return models.DefaultEscalationDays
}

// cardQuery is a parsed filter of the card list.
type cardQuery struct {
	Colour     string
	Department string
	From, To   string
}

// parseCardQuery reads colour, department, from and to; problems are locale keys.
func (s *Server) parseCardQuery(v url.Values) (cardQuery, formErrors) {
	q := cardQuery{Colour: v.Get("colour"), Department: v.Get("department"), From: v.Get("from"), To: v.Get("to")}
	bad := formErrors{}
	if q.Colour != "" && !models.ValidCardColour(q.Colour) {
		bad.add("colour", "card.err.colour")
	}
	if q.Department != "" {
		if _, ok := s.ref.Load().deptByKey[q.Department]; !ok {
			bad.add("department", "handled.err.department")
		}
	}
	for name, day := range map[string]string{"from": q.From, "to": q.To} {
		if day == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			bad.add(name, "card.err.day")
		}
	}
	if q.From != "" && q.To != "" && q.To < q.From && len(bad) == 0 {
		bad.add("to", "card.err.range")
	}
	return q, bad
}

// cardJSON is one card for supervisors.
type cardJSON struct {
	Number     string    `json:"number"`
	Item       string    `json:"item"`
	Colour     string    `json:"colour"`
	Department string    `json:"department"`
	Assignee   string    `json:"assignee"` // "" when the task was not claimed
	Deadline   string    `json:"deadline"` // the promised deadline when carded
	At         time.Time `json:"at"`
	TaskOpen   bool      `json:"task_open"`
	Escalated  bool      `json:"escalated"`
}

// cardCountJSON counts the cards of one department or person.
type cardCountJSON struct {
	Key    string `json:"key"`
	Yellow int64  `json:"yellow"`
	Red    int64  `json:"red"`
}

// cardsJSON is the answer of GET /api/v1/cards.
type cardsJSON struct {
	Total          int64           `json:"total"`
	Yellow         int64           `json:"yellow"`
	Red            int64           `json:"red"`
	Escalated      int             `json:"escalated"` // among the cards listed
	EscalationDays int             `json:"escalation_days"`
	ByDepartment   []cardCountJSON `json:"by_department"`
	ByPerson       []cardCountJSON `json:"by_person"`
	Cards          []cardJSON      `json:"cards"`
}

// cardReport reads the cards of a checked query.
func (s *Server) cardReport(c *gin.Context, q cardQuery) (*cardsJSON, error) {
	rep, err := s.store.Cards(c.Request.Context(), models.CardFilter{Colour: q.Colour, Department: q.Department,
		From: q.From, To: q.To})
	if err != nil {
		return nil, err
	}
	cal, today, days := s.cal.Load(), models.CentreDay(s.now()), s.escalationDays()
	out := &cardsJSON{Total: rep.Total, EscalationDays: days, ByDepartment: []cardCountJSON{}, ByPerson: []cardCountJSON{},
		Cards: []cardJSON{}}
	for _, d := range rep.ByDepartment {
		out.ByDepartment = append(out.ByDepartment, cardCountJSON(d))
		out.Yellow += d.Yellow
		out.Red += d.Red
	}
	for _, p := range rep.ByPerson {
		out.ByPerson = append(out.ByPerson, cardCountJSON(p))
	}
	for _, r := range rep.Cards {
		j := cardJSON{Number: r.Number, Item: r.ItemName, Colour: r.Colour, Department: r.DepartmentCode,
			Assignee: r.Assignee, Deadline: r.Deadline, At: r.At, TaskOpen: workflow.Stage(r.TaskStage).Open(),
			Escalated: r.Escalated(cal, today, days)}
		if j.Escalated {
			out.Escalated++
		}
		out.Cards = append(out.Cards, j)
	}
	return out, nil
}

// apiCards answers GET /api/v1/cards?colour=&department=&from=&to=.
func (s *Server) apiCards(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjReport, policies.ActRead); err != nil {
		return err
	}
	q, bad := s.parseCardQuery(c.Request.URL.Query())
	if len(bad) > 0 {
		return invalid(s.englishProblems(bad))
	}
	out, err := s.cardReport(c, q)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
	return nil
}

// cardsPage is the data of the supervisors' card page.
type cardsPage struct {
	EscalationDays int
	Query          cardQuery
	Errors         map[string]string
	Departments    []option
	Colours        []option
	Report         *cardsJSON
	ByDepartment   []cardCountView
	ByPerson       []cardCountView
	Rows           []cardView
}

type cardCountView struct {
	cardCountJSON
	Name string
}

type cardView struct {
	cardJSON
	DepartmentName, ColourLabel, AtText string
}

// uiSuperviseCards is the supervisors' page of 黄牌 / 红牌.
func (s *Server) uiSuperviseCards(c *gin.Context) error {
	if err := s.authorize(c, policies.AllDomains, policies.ObjReport, policies.ActRead); err != nil {
		return err
	}
	lang, ref := langOf(c), s.ref.Load()
	q, bad := s.parseCardQuery(c.Request.URL.Query())
	p := cardsPage{Query: q, Errors: bad, EscalationDays: s.escalationDays()}
	for _, d := range ref.depts {
		p.Departments = append(p.Departments, option{Value: d.Code, Label: d.Name})
	}
	for _, col := range models.CardColours {
		p.Colours = append(p.Colours, option{Value: col, Label: s.site.T(lang, "card."+col)})
	}
	status := http.StatusOK
	if len(bad) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		rep, err := s.cardReport(c, q)
		if err != nil {
			return err
		}
		p.Report = rep
		for _, d := range rep.ByDepartment {
			p.ByDepartment = append(p.ByDepartment, cardCountView{cardCountJSON: d, Name: ref.deptByKey[d.Key].Name})
		}
		for _, d := range rep.ByPerson {
			name := d.Key
			if name == "" {
				name = s.site.T(lang, "card.unclaimed")
			}
			p.ByPerson = append(p.ByPerson, cardCountView{cardCountJSON: d, Name: name})
		}
		for _, r := range rep.Cards {
			p.Rows = append(p.Rows, cardView{cardJSON: r, DepartmentName: ref.deptByKey[r.Department].Name,
				ColourLabel: s.site.T(lang, "card."+r.Colour), AtText: r.At.In(shanghai).Format("2006-01-02 15:04")})
		}
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "supervise_cards", s.site.T(lang, "card.title"), "staff", p)
	return nil
}

// cardBadges puts each task's strongest card on the work list's rows.
func (s *Server) cardBadges(c *gin.Context, lang string, items []models.WorkItem, views []workItemView) error {
	ids := make([]uint, len(items))
	for i, w := range items {
		ids[i] = w.TaskID
	}
	cards, err := s.store.TaskCards(c.Request.Context(), ids)
	if err != nil {
		return err
	}
	for i := range views {
		if col := cards[items[i].TaskID]; col != "" {
			views[i].Card, views[i].CardText = col, s.site.T(lang, "card."+col)
		}
	}
	return nil
}
