package handlers

import (
	"regexp"
	"testing"
)

// A chart of small counts labels its axis with whole numbers, each once, one
// step above the largest count: a bar of 1 reaches the line marked 1.
func TestCountChartAxisLabelsWholeNumbersOnce(t *testing.T) {
	t.Parallel()
	svg, err := renderChart(chartSpec{Kind: "bar", Title: "各月收件", Categories: []string{"2026-11", "2026-12"},
		Series: []chartSeries{{Name: "收件", Values: []float64{0, 1}}}, Width: 640, Height: 320})
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllStringSubmatch(string(svg), -1) {
		if regexp.MustCompile(`^\d+$`).MatchString(m[1]) {
			labels = append(labels, m[1])
		}
	}
	// The axis labels 0 and 1, once each; the bar labels add the values 0 and 1.
	zeros, ones, twos := 0, 0, 0
	for _, l := range labels {
		switch l {
		case "0":
			zeros++
		case "1":
			ones++
		case "2":
			twos++
		default:
			t.Errorf("axis or value label %q on a chart whose largest count is 1", l)
		}
	}
	if zeros != 2 || ones != 2 || twos != 1 {
		t.Errorf("numeric labels %v: want 0, 1 and 2 once on the axis, and the values 0 and 1", labels)
	}
}
