package workflow

import "strings"

// MaskPhone shows a phone number by its first three and last four digits (138****5678); a
// short landline keeps its last two.
func MaskPhone(phone string) string {
	if len([]rune(phone)) >= 11 {
		return maskMiddle(phone, 3, 4)
	}
	return maskMiddle(phone, 0, 2)
}

// MaskAddress keeps the first six characters of an address (the district and the street,
// enough to tell where) and hides the rest.
func MaskAddress(a string) string {
	r := []rune(a)
	if len(r) <= 6 {
		return maskMiddle(a, 0, 0)
	}
	return string(r[:6]) + "****"
}

func maskMiddle(v string, head, tail int) string {
	r := []rune(v)
	if len(r) == 0 {
		return ""
	}
	if len(r) <= head+tail+2 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
