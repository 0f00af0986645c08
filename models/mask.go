package models

import (
	"strings"

	"onewindow/workflow"
)

// MaskName is an applicant's name as the public may see it (DESIGN §8): a
// person keeps the first and last character (张*三, 张*, 欧**娜); an
// organisation keeps at most its first four and last four characters, and
// always hides something (集宁区某***有限公司).
func MaskName(kind, name string) string {
	r := []rune(strings.TrimSpace(name))
	n := len(r)
	if n == 0 {
		return ""
	}
	if kind == ApplicantOrganisation {
		keep := min(4, (n-1)/2)
		return string(r[:keep]) + "***" + string(r[n-keep:])
	}
	return workflow.MaskName(string(r))
}
