package form

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// maxNumberText bounds the length of a number's decimal text; longer numbers are refused.
const maxNumberText = 40

var (
	// numberText is a number as typed or canonicalised: optional minus, digits, optional fraction.
	numberText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	// moneyText is an amount in yuan: not negative, at most two decimals.
	moneyText = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)
)

// canonicalNumber turns a JSON number (which may have an exponent) into plain decimal text
// without trailing fraction zeros: "1.50" → "1.5", "1e3" → "1000", "-0" → "0". It fails when
// the text would exceed maxNumberText.
func canonicalNumber(n string) (string, bool) {
	neg := strings.HasPrefix(n, "-")
	n = strings.TrimPrefix(n, "-")
	mant, expText, hasExp := strings.Cut(strings.ToLower(n), "e")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(expText)
		if err != nil || e > maxNumberText || e < -maxNumberText {
			return "", false
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	point := len(intPart) + exp // decimal point position within digits
	if point < 0 {
		digits = strings.Repeat("0", -point) + digits
		point = 0
	}
	if point > len(digits) {
		digits += strings.Repeat("0", point-len(digits))
	}
	whole := strings.TrimLeft(digits[:point], "0")
	if whole == "" {
		whole = "0"
	}
	fraction := strings.TrimRight(digits[point:], "0")
	out := whole
	if fraction != "" {
		out += "." + fraction
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, len(out) <= maxNumberText
}

// decimal parses validated decimal text exactly.
func decimal(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil
	}
	return r
}

// boundRat turns a min or max into the exact decimal its shortest text reads as, the way a
// JSON Schema validator reads the same bound from the exported schema.
func boundRat(b *float64) *big.Rat {
	if b == nil {
		return nil
	}
	return decimal(strconv.FormatFloat(*b, 'g', -1, 64))
}

// formatBound renders a bound for messages.
func formatBound(b float64) string { return strconv.FormatFloat(b, 'f', -1, 64) }
