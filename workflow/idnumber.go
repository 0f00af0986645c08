package workflow

import (
	"strings"
	"time"
	"unicode/utf8"
)

// IDKind is the kind of an applicant's identity number.
type IDKind string

const (
	// ResidentID is a resident identity card number (居民身份证号码, GB 11643).
	ResidentID IDKind = "resident_id"
	// CreditCode is a unified social credit code (统一社会信用代码, GB 32100).
	CreditCode IDKind = "credit_code"
)

// The checks an identity number can fail, in the order they are made.
const (
	// IDCheckEmpty means no number was given.
	IDCheckEmpty = "empty"
	// IDCheckLength means the number is not 18 characters long.
	IDCheckLength = "length"
	// IDCheckCharset means a character is outside the kind's character set.
	IDCheckCharset = "charset"
	// IDCheckRegion means the province, registration department, institution type or region code is unknown.
	IDCheckRegion = "region"
	// IDCheckBirthDate means a resident ID's birth date is not a real, past date.
	IDCheckBirthDate = "birth_date"
	// IDCheckChecksum means the check character does not match the rest of the number.
	IDCheckChecksum = "checksum"
	// IDCheckKind means the kind itself is unknown (from ValidateID).
	IDCheckKind = "kind"
)

// idLength is the length of both kinds of number.
const idLength = 18

// IDError says which check an identity number failed.
type IDError struct {
	Kind  IDKind
	Check string // one of the IDCheck* constants
}

// Error describes the failed check in English, prefixed by the kind of number.
func (e *IDError) Error() string {
	prefix := "identity number"
	switch e.Kind {
	case ResidentID:
		prefix = "resident ID"
	case CreditCode:
		prefix = "credit code"
	}
	var msg string
	switch e.Check {
	case IDCheckEmpty:
		msg = "is empty"
	case IDCheckLength:
		msg = "must be 18 characters"
	case IDCheckCharset:
		if e.Kind == ResidentID {
			msg = "must be 17 digits followed by a digit or X"
		} else {
			msg = "contains a character outside 0-9 and A-Y without I, O, S, V, Z"
		}
	case IDCheckRegion:
		if e.Kind == ResidentID {
			msg = "unknown province code"
		} else {
			msg = "unknown registration department, institution type or region code"
		}
	case IDCheckBirthDate:
		msg = "birth date is not a real past date"
	case IDCheckChecksum:
		msg = "check character does not match"
	case IDCheckKind:
		msg = "unknown kind " + string(e.Kind)
	default:
		msg = "failed check " + e.Check
	}
	return prefix + ": " + msg
}

// NormalizeID trims surrounding spaces and upper-cases the number (x → X).
func NormalizeID(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// ValidateID validates s as a number of the given kind; an unknown kind is an *IDError too.
func ValidateID(kind IDKind, s string, now time.Time) error {
	switch kind {
	case ResidentID:
		return ValidateResidentID(s, now)
	case CreditCode:
		return ValidateCreditCode(s)
	}
	return &IDError{Kind: kind, Check: IDCheckKind}
}

// residentWeights are the GB 11643 weights 2^(17-i) mod 11 of the first 17 digits.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentCheckChars maps the weighted sum mod 11 to the check character.
const residentCheckChars = "10X98765432"

// residentMinYear bounds birth years from below; the GB 11643 sample 440524188001010014 is
// from 1880, so 1900 would refuse a number the standard itself uses.
const residentMinYear = 1800

// provinceCodes are the GB/T 2260 province-level codes; 83 is not in GB/T 2260 but is what
// residence permits for Taiwan residents (830000) carry, and those are valid identity numbers
// for applications, like the 81 and 82 permits for Hong Kong and Macao residents.
var provinceCodes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// ValidateResidentID checks an 18-character resident ID number; a birth date after now's
// calendar day is refused. It returns an *IDError naming the first failed check, or nil.
func ValidateResidentID(s string, now time.Time) error {
	fail := func(check string) error { return &IDError{Kind: ResidentID, Check: check} }
	switch {
	case s == "":
		return fail(IDCheckEmpty)
	case utf8.RuneCountInString(s) != idLength:
		return fail(IDCheckLength)
	case !residentCharsetOK(s):
		return fail(IDCheckCharset)
	case !provinceCodes[s[:2]]:
		return fail(IDCheckRegion)
	case !residentBirthDateOK(s[6:14], now):
		return fail(IDCheckBirthDate)
	case s[17] != residentCheckChar(s[:17]):
		return fail(IDCheckChecksum)
	}
	return nil
}

// residentCharsetOK reports whether s is 17 ASCII digits followed by a digit or X.
func residentCharsetOK(s string) bool {
	if len(s) != idLength {
		return false // multi-byte runes
	}
	for i := 0; i < idLength-1; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	last := s[idLength-1]
	return last == 'X' || (last >= '0' && last <= '9')
}

// residentBirthDateOK reports whether the 8 digits ymd are a real date between
// residentMinYear and now's calendar day.
func residentBirthDateOK(ymd string, now time.Time) bool {
	y, m, d := atoi(ymd[:4]), atoi(ymd[4:6]), atoi(ymd[6:8])
	if y < residentMinYear || m < 1 || m > 12 || d < 1 {
		return false
	}
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, now.Location())
	if birth.Day() != d { // time.Date normalised an overflowing day, e.g. 0230
		return false
	}
	ny, nm, nd := now.Date()
	return !birth.After(time.Date(ny, nm, nd, 0, 0, 0, 0, now.Location()))
}

// atoi converts a string of ASCII digits; callers have checked the charset.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// residentCheckChar computes the GB 11643 check character of 17 ASCII digits.
func residentCheckChar(body string) byte {
	sum := 0
	for i := 0; i < len(residentWeights); i++ {
		sum += int(body[i]-'0') * residentWeights[i]
	}
	return residentCheckChars[sum%11]
}

// creditCharset is the GB 32100 character set; a character's value is its index.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the GB 32100 weights 3^(i-1) mod 31 of the first 17 characters.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditInstitutionTypes maps each registration department code (character 1) to the
// institution type codes (character 2) GB 32100 and its later amendments assign it:
// 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 市场监管 (工商),
// A 中央军委改革和编制办公室, N 农业农村, Y 其他.
var creditInstitutionTypes = map[byte]string{
	'1': "1239",   // 机关, 事业单位, 中央编办管理的群众团体, 其他
	'2': "19",     // 外国常驻新闻机构, 其他
	'3': "123459", // 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
	'4': "19",     // 外国在华文化中心, 其他
	'5': "1239",   // 社会团体, 民办非企业单位, 基金会, 其他
	'6': "129",    // 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地代表机构, 其他
	'7': "129",    // 宗教活动场所, 宗教院校, 其他
	'8': "19",     // 基层工会, 其他
	'9': "123",    // 企业, 个体工商户, 农民专业合作社
	'A': "19",     // 军队事业单位, 其他
	'N': "1239",   // 组级, 村级, 乡镇级集体经济组织, 其他
	'Y': "1",      // 不再细分
}

// ValidateCreditCode checks an 18-character unified social credit code. It returns an
// *IDError naming the first failed check, or nil.
func ValidateCreditCode(s string) error {
	fail := func(check string) error { return &IDError{Kind: CreditCode, Check: check} }
	switch {
	case s == "":
		return fail(IDCheckEmpty)
	case utf8.RuneCountInString(s) != idLength:
		return fail(IDCheckLength)
	case !creditCharsetOK(s):
		return fail(IDCheckCharset)
	case !creditRegionOK(s):
		return fail(IDCheckRegion)
	case s[17] != creditCheckChar(s[:17]):
		return fail(IDCheckChecksum)
	}
	return nil
}

// creditCharsetOK reports whether every character of s is in the GB 32100 set.
func creditCharsetOK(s string) bool {
	if len(s) != idLength {
		return false // multi-byte runes
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(creditCharset, s[i]) < 0 {
			return false
		}
	}
	return true
}

// creditRegionOK checks the registration department, the institution type it allows and
// that the registration authority's region code (characters 3–8) is six digits.
func creditRegionOK(s string) bool {
	types, ok := creditInstitutionTypes[s[0]]
	if !ok || strings.IndexByte(types, s[1]) < 0 {
		return false
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// creditCheckChar computes the GB 32100 check character of 17 characters from creditCharset.
func creditCheckChar(body string) byte {
	sum := 0
	for i := 0; i < len(creditWeights); i++ {
		sum += strings.IndexByte(creditCharset, body[i]) * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31]
}

// IDKindOf guesses the kind of a normalized number typed without choosing one: all digits
// (the last may be X) is a ResidentID, anything else a CreditCode. Many credit codes are all
// digits too, so an all-digit number whose resident check character fails but which is a
// valid credit code is taken as a CreditCode.
func IDKindOf(s string) IDKind {
	if s == "" {
		return ResidentID
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && !(c == 'X' && i == len(s)-1) {
			return CreditCode
		}
	}
	if len(s) == idLength && s[17] != residentCheckChar(s[:17]) && ValidateCreditCode(s) == nil {
		return CreditCode
	}
	return ResidentID
}

// MaskID masks an identity number as staff pages, the applicant's own pages, printed papers
// and logs show it unless someone who may chose to see it in full: a resident ID or a
// credit code (18 characters) keeps its first 4 and last 4 (3210**********2119). A number
// of any other length keeps a quarter at each end, so at least half is always hidden.
func MaskID(s string) string {
	s = NormalizeID(s)
	r := []rune(s)
	head, tail := len(r)/4, len(r)/4
	if len(r) == idLength {
		head, tail = 4, 4
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// MaskName masks a person's name for public disclosure, keeping the first rune and, from
// three runes on, the last: 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*" // a one-character name kept would be the whole name
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}
