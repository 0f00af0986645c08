package handlers

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// Statistics for supervisors (issue 17 item 4): per department, item,
// channel and month — received, accepted, refused, completed, on-time rate,
// average working days used and 好差评 satisfaction — read from the
// aggregates the catch-up keeps (models.CatchUpStats), as JSON, a page with
// SVG charts and an XLSX workbook. A rate with nothing to count is unknown
// (null, "—"), never 0.

// statsMaxMonths bounds the month range of one query.
const statsMaxMonths = 120

// statsInlineBatch is how many new events a request counts itself before
// answering, so that a figure is current to the second without a backlog
// (after an upgrade, say) holding the page up: the background catch-up
// (RunStatsCatchUp) counts the rest, and the page says how many are pending.
const statsInlineBatch = 1000

// statsQuery is a parsed filter of the statistics.
type statsQuery struct {
	Department string
	Item       string
	Channel    string
	From, To   string // YYYY-MM
}

func (q statsQuery) filter() models.StatsFilter {
	return models.StatsFilter{Department: q.Department, ItemCode: q.Item, Channel: q.Channel, From: q.From, To: q.To}
}

// values is the query as URL parameters, for the chart and export links.
func (q statsQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"department": q.Department, "item": q.Item, "channel": q.Channel, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// parseStatsQuery reads department, item, channel, from and to; the range
// defaults to the twelve months up to this one. Problems are locale keys.
func (s *Server) parseStatsQuery(v url.Values) (statsQuery, formErrors) {
	q := statsQuery{Department: v.Get("department"), Item: v.Get("item"), Channel: v.Get("channel"), From: v.Get("from"), To: v.Get("to")}
	bad := formErrors{}
	if q.Department != "" {
		if _, ok := s.ref.Load().deptByKey[q.Department]; !ok {
			bad.add("department", "stats.err.department")
		}
	}
	if len(q.Item) > 64 {
		bad.add("item", "stats.err.item")
	}
	if q.Channel != "" && q.Channel != models.ChannelOnline && q.Channel != models.ChannelWindow {
		bad.add("channel", "stats.err.channel")
	}
	now := models.CentreDay(s.now())
	if q.To == "" {
		q.To = now.Format("2006-01")
	}
	if q.From == "" {
		if t, err := time.Parse("2006-01", q.To); err == nil {
			q.From = t.AddDate(0, -11, 0).Format("2006-01")
		}
	}
	from, ferr := time.Parse("2006-01", q.From)
	to, terr := time.Parse("2006-01", q.To)
	if ferr != nil {
		bad.add("from", "stats.err.month")
	}
	if terr != nil {
		bad.add("to", "stats.err.month")
	}
	if ferr == nil && terr == nil {
		months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month())
		switch {
		case months < 0:
			bad.add("to", "stats.err.range")
		case months >= statsMaxMonths:
			bad.add("from", "stats.err.too_long")
		}
	}
	return q, bad
}

// statsCountsJSON is one row of counts with its rates; a rate is null when
// there is nothing to count it from.
type statsCountsJSON struct {
	Key          string   `json:"key,omitempty"`
	Name         string   `json:"name,omitempty"`
	Received     int      `json:"received"`
	Accepted     int      `json:"accepted"`
	Refused      int      `json:"refused"`
	Completed    int      `json:"completed"`
	OnTime       int      `json:"on_time"`
	Late         int      `json:"late"`
	OnTimeRate   *float64 `json:"on_time_rate"`  // 0..1
	AverageDays  *float64 `json:"average_days"`  // working days used per completion
	Rated        int      `json:"rated"`         // 好差评 given
	Satisfaction *float64 `json:"satisfaction"`  // share of 非常满意, 满意, 基本满意 (0..1)
	AverageLevel *float64 `json:"average_level"` // mean level 1..5
}

func statsCountsOf(key, name string, c models.StatsCounts) statsCountsJSON {
	out := statsCountsJSON{Key: key, Name: name, Received: c.Received, Accepted: c.Accepted, Refused: c.Refused,
		Completed: c.Completed, OnTime: c.OnTime, Late: c.Late, Rated: c.Rated}
	if r, ok := c.OnTimeRate(); ok {
		out.OnTimeRate = round4(r)
	}
	if d, ok := c.AverageDays(); ok {
		out.AverageDays = round4(d)
	}
	if r, ok := c.Satisfaction(); ok {
		out.Satisfaction = round4(r)
		out.AverageLevel = round4(float64(c.RatedSum) / float64(c.Rated))
	}
	return out
}

func round4(f float64) *float64 {
	r := math.Round(f*10000) / 10000
	return &r
}

// statsJSON is the answer of GET /api/v1/statistics.
type statsJSON struct {
	From         string            `json:"from"`
	To           string            `json:"to"`
	Department   string            `json:"department,omitempty"`
	Item         string            `json:"item,omitempty"`
	Channel      string            `json:"channel,omitempty"`
	AsOf         *time.Time        `json:"as_of"`   // the newest event counted; null when none
	Pending      int64             `json:"pending"` // events recorded but not counted yet
	Total        statsCountsJSON   `json:"total"`
	ByMonth      []statsCountsJSON `json:"by_month"`
	ByDepartment []statsCountsJSON `json:"by_department"`
	ByItem       []statsCountsJSON `json:"by_item"`
	ByChannel    []statsCountsJSON `json:"by_channel"`
}

// statsReport catches the aggregates up by one batch and reads them.
func (s *Server) statsReport(c *gin.Context, q statsQuery) (*statsJSON, error) {
	ctx := c.Request.Context()
	if _, err := s.store.CatchUpStats(ctx, s.cal.Load(), statsInlineBatch); err != nil {
		return nil, err
	}
	st, err := s.store.Statistics(ctx, q.filter())
	if err != nil {
		return nil, err
	}
	ref := s.ref.Load()
	out := &statsJSON{From: q.From, To: q.To, Department: q.Department, Item: q.Item, Channel: q.Channel, Pending: st.Pending,
		Total: statsCountsOf("", "", st.Total), ByMonth: []statsCountsJSON{}, ByDepartment: []statsCountsJSON{},
		ByItem: []statsCountsJSON{}, ByChannel: []statsCountsJSON{}}
	if !st.AsOf.IsZero() {
		out.AsOf = &st.AsOf
	}
	for _, r := range st.ByMonth {
		out.ByMonth = append(out.ByMonth, statsCountsOf(r.Key, "", r.StatsCounts))
	}
	for _, r := range st.ByDepartment {
		out.ByDepartment = append(out.ByDepartment, statsCountsOf(r.Key, ref.deptByKey[r.Key].Name, r.StatsCounts))
	}
	for _, r := range st.ByItem {
		out.ByItem = append(out.ByItem, statsCountsOf(r.Key, r.Name, r.StatsCounts))
	}
	for _, r := range st.ByChannel {
		out.ByChannel = append(out.ByChannel, statsCountsOf(r.Key, "", r.StatsCounts))
	}
	return out, nil
}

// readStats authorizes a supervisor's read and parses the query.
func (s *Server) readStats(c *gin.Context) (statsQuery, formErrors, error) {
	if err := s.authorize(c, policies.AllDomains, policies.ObjReport, policies.ActRead); err != nil {
		return statsQuery{}, nil, err
	}
	q, bad := s.parseStatsQuery(c.Request.URL.Query())
	return q, bad, nil
}

// apiStatistics answers GET /api/v1/statistics?department=&item=&channel=&from=&to=.
func (s *Server) apiStatistics(c *gin.Context) error {
	q, bad, err := s.readStats(c)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return invalid(s.englishProblems(bad))
	}
	out, err := s.statsReport(c, q)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
	return nil
}

// statsRowView is a row of the page's tables, rates already formatted.
type statsRowView struct {
	statsCountsJSON
	Label                                  string
	OnTimeText, DaysText, SatisfactionText string
}

func (s *Server) statsRowViews(lang string, rows []statsCountsJSON, label func(statsCountsJSON) string) []statsRowView {
	out := make([]statsRowView, len(rows))
	for i, r := range rows {
		out[i] = statsRowView{statsCountsJSON: r, Label: label(r), OnTimeText: percentText(r.OnTimeRate),
			DaysText: daysText(r.AverageDays), SatisfactionText: percentText(r.Satisfaction)}
	}
	return out
}

// percentText shows a share as a percentage, or — when unknown.
func percentText(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f*100, 'f', 1, 64) + "%"
}

func daysText(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', 1, 64)
}

// statsItemRows is how many items the page lists (the export has all).
const statsItemRows = 50

// statsPage is the data of the supervisors' statistics page.
type statsPage struct {
	Query       statsQuery
	Errors      map[string]string
	Departments []option
	Channels    []option
	Report      *statsJSON
	TotalTable  statsTable
	Months      statsTable
	Depts       statsTable
	Items       statsTable
	MoreItems   int
	ChannelRows statsTable
	AsOfText    string
	Charts      []statsChartLink
	ExportURL   string
}

// statsTable is one table of the page.
type statsTable struct {
	Lang, ID, Key string
	Rows          []statsRowView
}

// statsChartLink is one chart image of the page.
type statsChartLink struct {
	ID, URL, Alt string
}

// uiSuperviseStatistics is the supervisors' statistics page.
func (s *Server) uiSuperviseStatistics(c *gin.Context) error {
	q, bad, err := s.readStats(c)
	if err != nil {
		return err
	}
	lang, ref := langOf(c), s.ref.Load()
	p := statsPage{Query: q, Errors: bad}
	for _, d := range ref.depts {
		p.Departments = append(p.Departments, option{Value: d.Code, Label: d.Name})
	}
	for _, ch := range []string{models.ChannelOnline, models.ChannelWindow} {
		p.Channels = append(p.Channels, option{Value: ch, Label: s.site.T(lang, "stats.channel."+ch)})
	}
	status := http.StatusOK
	if len(bad) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		rep, err := s.statsReport(c, q)
		if err != nil {
			return err
		}
		s.fillStatsPage(lang, &p, rep)
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "supervise_statistics", s.site.T(lang, "stats.title"), "staff", p)
	return nil
}

func (s *Server) fillStatsPage(lang string, p *statsPage, rep *statsJSON) {
	p.Report = rep
	table := func(id, key string, rows []statsCountsJSON, label func(statsCountsJSON) string) statsTable {
		return statsTable{Lang: lang, ID: "stats-" + id, Key: "stats.col.key." + key, Rows: s.statsRowViews(lang, rows, label)}
	}
	p.TotalTable = table("total", "total", []statsCountsJSON{rep.Total}, func(statsCountsJSON) string { return s.site.T(lang, "stats.total") })
	p.Months = table("months", "months", rep.ByMonth, func(r statsCountsJSON) string { return r.Key })
	p.Depts = table("departments", "departments", rep.ByDepartment, func(r statsCountsJSON) string { return r.Name })
	items := rep.ByItem
	if len(items) > statsItemRows {
		p.MoreItems, items = len(items)-statsItemRows, items[:statsItemRows]
	}
	p.Items = table("items", "items", items, func(r statsCountsJSON) string { return r.Name })
	p.ChannelRows = table("channels", "channels", rep.ByChannel, func(r statsCountsJSON) string { return s.site.T(lang, "stats.channel."+r.Key) })
	if rep.AsOf != nil {
		p.AsOfText = rep.AsOf.In(shanghai).Format("2006-01-02 15:04")
	}
	v := p.Query.values()
	v.Set("lang", lang)
	for _, name := range statsChartNames {
		p.Charts = append(p.Charts, statsChartLink{ID: "chart-" + name, URL: "/supervise/statistics/charts/" + name + ".svg?" + v.Encode(),
			Alt: s.site.T(lang, "stats.chart."+name)})
	}
	p.ExportURL = "/supervise/statistics.xlsx?" + v.Encode()
}
