package handlers

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

// statsChartNames are the charts of the statistics page.
var statsChartNames = []string{"months", "rates", "departments", "channels"}

// statsChartDepartments is how many departments the department chart shows.
const statsChartDepartments = 8

// uiStatisticsChart answers GET /supervise/statistics/charts/{name}.svg.
func (s *Server) uiStatisticsChart(c *gin.Context) error {
	q, bad, err := s.readStats(c)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return invalid(s.englishProblems(bad))
	}
	name := strings.TrimSuffix(c.Param("name"), ".svg")
	known := false
	for _, n := range statsChartNames {
		known = known || n == name
	}
	if !known {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such chart"}
	}
	rep, err := s.statsReport(c, q)
	if err != nil {
		return err
	}
	svg, err := renderChart(s.statsChart(langOf(c), name, rep))
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c.Data(http.StatusOK, "image/svg+xml", svg)
	return nil
}

// statsChart is the spec of one named chart of a report.
func (s *Server) statsChart(lang, name string, rep *statsJSON) chartSpec {
	t := func(key string) string { return s.site.T(lang, key) }
	spec := chartSpec{Kind: "bar", Title: t("stats.chart." + name), Width: 880, Height: 360}
	counts := func(rows []statsCountsJSON, label func(statsCountsJSON) string) {
		rec, acc, done := chartSeries{Name: t("stats.col.received")}, chartSeries{Name: t("stats.col.accepted")}, chartSeries{Name: t("stats.col.completed")}
		for _, r := range rows {
			spec.Categories = append(spec.Categories, label(r))
			rec.Values = append(rec.Values, float64(r.Received))
			acc.Values = append(acc.Values, float64(r.Accepted))
			done.Values = append(done.Values, float64(r.Completed))
		}
		spec.Series = []chartSeries{rec, acc, done}
	}
	switch name {
	case "months":
		counts(rep.ByMonth, func(r statsCountsJSON) string { return r.Key })
	case "rates":
		spec.Kind, spec.Percent = "line", true
		on, sat := chartSeries{Name: t("stats.col.on_time_rate")}, chartSeries{Name: t("stats.col.satisfaction")}
		for _, r := range rep.ByMonth {
			spec.Categories = append(spec.Categories, r.Key)
			on.Values = append(on.Values, orNaN(r.OnTimeRate))
			sat.Values = append(sat.Values, orNaN(r.Satisfaction))
		}
		spec.Series = []chartSeries{on, sat}
	case "departments":
		rows := rep.ByDepartment[:min(len(rep.ByDepartment), statsChartDepartments)]
		counts(rows, func(r statsCountsJSON) string { return strings.TrimPrefix(r.Name, "区") })
	case "channels":
		counts(rep.ByChannel, func(r statsCountsJSON) string { return t("stats.channel." + r.Key) })
		spec.Height = 320
	}
	return spec
}

func orNaN(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}

// uiStatisticsExport answers GET /supervise/statistics.xlsx: one sheet per
// view (month, department, item, channel), every item included; an unknown
// rate is an empty cell.
func (s *Server) uiStatisticsExport(c *gin.Context) error {
	q, bad, err := s.readStats(c)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return invalid(s.englishProblems(bad))
	}
	rep, err := s.statsReport(c, q)
	if err != nil {
		return err
	}
	lang := langOf(c)
	f := excelize.NewFile()
	defer f.Close()
	sheets := []struct {
		key  string
		rows []statsCountsJSON
	}{{"months", rep.ByMonth}, {"departments", rep.ByDepartment}, {"items", rep.ByItem}, {"channels", rep.ByChannel}}
	for i, sh := range sheets {
		name := s.site.T(lang, "stats.sheet."+sh.key)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := s.writeStatsSheet(f, lang, name, sh.key, append(sh.rows, rep.Total)); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="statistics-%s-%s.xlsx"`, q.From, q.To))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	return nil
}

// statsColumns are the export's columns after the row's key and name.
var statsColumns = []string{"received", "accepted", "refused", "completed", "on_time", "late", "on_time_rate",
	"average_days", "rated", "satisfaction"}

func (s *Server) writeStatsSheet(f *excelize.File, lang, sheet, key string, rows []statsCountsJSON) error {
	header := []any{s.site.T(lang, "stats.col.key."+key), s.site.T(lang, "stats.col.name")}
	for _, col := range statsColumns {
		header = append(header, s.site.T(lang, "stats.col."+col))
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	for i, r := range rows {
		k, name := r.Key, r.Name
		if i == len(rows)-1 {
			k, name = s.site.T(lang, "stats.total"), ""
		} else if key == "channels" {
			name = s.site.T(lang, "stats.channel."+r.Key)
		}
		row := []any{k, name, r.Received, r.Accepted, r.Refused, r.Completed, r.OnTime, r.Late,
			cellOf(r.OnTimeRate), cellOf(r.AverageDays), r.Rated, cellOf(r.Satisfaction)}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	return nil
}

// cellOf is an unknown value as an empty cell, never 0.
func cellOf(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
