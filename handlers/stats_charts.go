package handlers

import (
	"bytes"
	"fmt"
	"math"
	"regexp"

	"github.com/go-analyze/charts"
)

// Statistics charts are drawn on the server as SVG images, so the page
// needs no JavaScript. Text is measured with the chart library's own Noto
// Sans (its built-in font; it has no CJK glyphs, so Chinese labels get
// extra padding) and drawn by the browser in the pages' CJK font stack.

// chartFontStack replaces the measuring font's name in the SVG.
const chartFontStack = `font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','Source Han Sans SC',sans-serif`

var svgFontFamily = regexp.MustCompile(`font-family:'[^']*',sans-serif|font-family:sans-serif`)

// chartSeries is one named series of a chart; NaN is a value not known
// (a month with no completion has no on-time rate), drawn as a gap.
type chartSeries struct {
	Name   string
	Values []float64
}

// chartSpec is what a chart shows.
type chartSpec struct {
	Kind       string // bar, line
	Title      string
	Categories []string
	Series     []chartSeries
	Percent    bool // values are shares 0..1, shown as percentages
	Width      int
	Height     int
}

// renderChart draws spec as an SVG document.
func renderChart(spec chartSpec) ([]byte, error) {
	values := make([][]float64, len(spec.Series))
	names := make([]string, len(spec.Series))
	for i, s := range spec.Series {
		names[i] = s.Name
		values[i] = make([]float64, len(s.Values))
		for j, v := range s.Values {
			switch {
			case math.IsNaN(v):
				values[i][j] = charts.GetNullValue()
			case spec.Percent:
				values[i][j] = math.Round(v*1000) / 10
			default:
				values[i][j] = v
			}
		}
	}
	if len(spec.Categories) == 0 {
		return emptyChart(spec)
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: spec.Width, Height: spec.Height,
		Font: charts.GetFont(charts.FontFamilyNotoSans)})
	title := charts.TitleOption{Text: spec.Title}
	// One legend entry a line: laid out in a row, entries measured too
	// narrow (no CJK glyphs in the measuring font) would overlap.
	legend := charts.LegendOption{SeriesNames: names, Offset: charts.OffsetStr{Left: charts.PositionRight}, Vertical: charts.Ptr(true)}
	padding := charts.Box{Left: 20, Top: 20, Right: 40 + 7*maxRunes(names), Bottom: 20, IsSet: true}
	formatter := func(f float64) string { return fmt.Sprintf("%.0f", f) }
	if spec.Percent {
		formatter = func(f float64) string { return fmt.Sprintf("%.1f%%", f) }
	}
	var err error
	switch spec.Kind {
	case "line":
		opt := charts.NewLineChartOptionWithData(values)
		opt.Title, opt.Legend, opt.ValueFormatter, opt.Padding = title, legend, formatter, padding
		opt.XAxis.Labels = spec.Categories
		for i := range opt.SeriesList {
			opt.SeriesList[i].Label.Show = charts.Ptr(true)
			opt.SeriesList[i].Label.ValueFormatter = formatter
		}
		if spec.Percent {
			opt.YAxis = []charts.YAxisOption{{Min: charts.Ptr(0.0), Max: charts.Ptr(100.0), LabelCount: 6}}
		}
		err = p.LineChart(opt)
	default:
		opt := charts.NewBarChartOptionWithData(values)
		opt.Title, opt.Legend, opt.ValueFormatter, opt.Padding = title, legend, formatter, padding
		opt.CategoryAxis.Labels = spec.Categories
		opt.ValueAxis = []charts.ValueAxisOption{countAxis(values)}
		for i := range opt.SeriesList {
			opt.SeriesList[i].Label.Show = charts.Ptr(true)
			opt.SeriesList[i].Label.ValueFormatter = formatter
		}
		err = p.BarChart(opt)
	}
	if err != nil {
		return nil, fmt.Errorf("handlers: chart %q: %w", spec.Title, err)
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("handlers: chart %q: %w", spec.Title, err)
	}
	return svgFontFamily.ReplaceAll(b, []byte(chartFontStack)), nil
}

func maxRunes(ss []string) int {
	n := 0
	for _, s := range ss {
		n = max(n, len([]rune(s)))
	}
	return n
}

// emptyChart is an SVG that says there is nothing to draw.
func emptyChart(spec chartSpec) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`, spec.Width, 60, spec.Width, 60)
	b.WriteString(`<text x="10" y="35" style="font-size:14px;` + chartFontStack + `">`)
	b.WriteString(xmlEscape(spec.Title))
	b.WriteString(`</text></svg>`)
	return b.Bytes(), nil
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// countAxis is the value axis of a chart of counts. Small counts get one label
// per whole number, one step above the largest: left to itself the axis puts fractional steps under 5 and
// rounds their labels, showing 0, 0, 1, 1 and a bar of 1 below the line marked 1.
func countAxis(values [][]float64) charts.ValueAxisOption {
	top := 0.0
	for _, s := range values {
		for _, v := range s {
			if v != charts.GetNullValue() {
				top = math.Max(top, v)
			}
		}
	}
	if top >= 5 {
		return charts.ValueAxisOption{Min: charts.Ptr(0.0)}
	}
	top = math.Ceil(top) + 1 // a step of headroom keeps the top bars clear of the legend
	return charts.ValueAxisOption{Min: charts.Ptr(0.0), Max: charts.Ptr(top), LabelCount: int(top) + 1,
		PreferNiceIntervals: charts.Ptr(false)}
}
