package workflow

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// idTestNow is the fixed "now" of the identity-number tests.
var idTestNow = time.Date(2025, time.March, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// withResidentCheck appends the GB 11643 check character to 17 digits, computed here
// independently of the code under test so that each test input fails only the intended check.
func withResidentCheck(t testing.TB, body string) string {
	t.Helper()
	if len(body) != 17 {
		t.Fatalf("resident body %q: want 17 characters", body)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if body[i] < '0' || body[i] > '9' {
			t.Fatalf("resident body %q: not all digits", body)
		}
		weight := 1
		for j := 0; j < 17-i; j++ {
			weight = weight * 2 % 11
		}
		sum += int(body[i]-'0') * weight
	}
	return body + string("10X98765432"[sum%11])
}

// withCreditCheck appends the GB 32100 check character to 17 characters of the credit charset.
func withCreditCheck(t testing.TB, body string) string {
	t.Helper()
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	if len(body) != 17 {
		t.Fatalf("credit body %q: want 17 characters", body)
	}
	sum, weight := 0, 1
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(charset, body[i])
		if v < 0 {
			t.Fatalf("credit body %q: %q outside the charset", body, body[i])
		}
		sum += v * weight
		weight = weight * 3 % 31
	}
	return body + string(charset[(31-sum%31)%31])
}

// checkOf returns the failed check of an *IDError, "" for nil, and fails on any other error.
func checkOf(t *testing.T, err error, kind IDKind) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var idErr *IDError
	if !errors.As(err, &idErr) {
		t.Fatalf("error %v (%T) is not an *IDError", err, err)
	}
	if idErr.Kind != kind {
		t.Errorf("error kind = %q, want %q", idErr.Kind, kind)
	}
	return idErr.Check
}

func TestValidateResidentID(t *testing.T) {
	t.Parallel()
	today := idTestNow.Format("20060102")
	tomorrow := idTestNow.AddDate(0, 0, 1).Format("20060102")
	tests := []struct {
		name, in, want string
	}{
		{"sample 1949", "11010519491231002X", ""},
		{"sample 1880", "440524188001010014", ""},
		{"sample 1978", "321083197812162119", ""},
		{"born today", withResidentCheck(t, "110105"+today+"001"), ""},
		{"leap day", withResidentCheck(t, "11010520000229001"), ""},
		{"Macao permit", withResidentCheck(t, "82000019900101001"), ""},
		{"Taiwan permit", withResidentCheck(t, "83000019900101001"), ""},
		{"empty", "", IDCheckEmpty},
		{"17 chars", "11010519491231002", IDCheckLength},
		{"19 chars", "11010519491231002X0", IDCheckLength},
		{"spaces not trimmed", " 11010519491231002X", IDCheckLength},
		{"lower-case x", "11010519491231002x", IDCheckCharset},
		{"letter in body", "1101051949123100AX", IDCheckCharset},
		{"X not last", "X10105194912310021", IDCheckCharset},
		{"full-width digit", "１1010519491231002X", IDCheckCharset},
		{"18 CJK runes", strings.Repeat("号", 18), IDCheckCharset},
		{"province 00", withResidentCheck(t, "00010519491231002"), IDCheckRegion},
		{"province 16", withResidentCheck(t, "16010519491231002"), IDCheckRegion},
		{"province 99", withResidentCheck(t, "99010519491231002"), IDCheckRegion},
		{"30 February", withResidentCheck(t, "11010519490230002"), IDCheckBirthDate},
		{"29 February 1900", withResidentCheck(t, "11010519000229002"), IDCheckBirthDate},
		{"month 13", withResidentCheck(t, "11010519491301002"), IDCheckBirthDate},
		{"day 00", withResidentCheck(t, "11010519491200002"), IDCheckBirthDate},
		{"year 1799", withResidentCheck(t, "11010517991231002"), IDCheckBirthDate},
		{"born tomorrow", withResidentCheck(t, "110105"+tomorrow+"001"), IDCheckBirthDate},
		{"wrong check digit", "110105194912310021", IDCheckChecksum},
		{"X where a digit belongs", "44052418800101001X", IDCheckChecksum},
		{"swapped digits", "11010519491213002X", IDCheckChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := checkOf(t, ValidateResidentID(tt.in, idTestNow), ResidentID); got != tt.want {
				t.Errorf("ValidateResidentID(%q) check = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateCreditCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"sample enterprise", "91350100M000100Y43", ""},
		{"sample enterprise T", "91310110666007217T", ""},
		{"sample government body", "11100000000013338W", ""},
		{"social group", withCreditCheck(t, "51110000500000000"), ""},
		{"rural collective", withCreditCheck(t, "N2330100MA0000000"), ""},
		{"other", withCreditCheck(t, "Y1440300MA5D00000"), ""},
		{"empty", "", IDCheckEmpty},
		{"17 chars", "91350100M000100Y4", IDCheckLength},
		{"old 15-digit registration number", "330000000012345", IDCheckLength},
		{"letter I", "91350100M000100I43", IDCheckCharset},
		{"letter O", "91350100M000100O43", IDCheckCharset},
		{"letter Z", "91350100M000100Z43", IDCheckCharset},
		{"letter S", "91350100M000100S43", IDCheckCharset},
		{"letter V", "91350100M000100V43", IDCheckCharset},
		{"lower case", "91350100m000100y43", IDCheckCharset},
		{"hyphen", "91350100-M000100Y4", IDCheckCharset},
		{"department 0", withCreditCheck(t, "01350100M000100Y4"), IDCheckRegion},
		{"department B", withCreditCheck(t, "B1350100M000100Y4"), IDCheckRegion},
		{"enterprise type 4", withCreditCheck(t, "94350100M000100Y4"), IDCheckRegion},
		{"enterprise type 9", withCreditCheck(t, "99350100M000100Y4"), IDCheckRegion},
		{"other type 2", withCreditCheck(t, "Y2350100M000100Y4"), IDCheckRegion},
		{"type 0", withCreditCheck(t, "10350100M000100Y4"), IDCheckRegion},
		{"letter in region", withCreditCheck(t, "9135A100M000100Y4"), IDCheckRegion},
		{"wrong check char", "91350100M000100Y44", IDCheckChecksum},
		{"swapped chars", "91350100M000010Y43", IDCheckChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := checkOf(t, ValidateCreditCode(tt.in), CreditCode); got != tt.want {
				t.Errorf("ValidateCreditCode(%q) check = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		kind      IDKind
		in, want  string
		wantError string
	}{
		{"resident", ResidentID, "11010519491231002X", "", ""},
		{"credit", CreditCode, "91350100M000100Y43", "", ""},
		{"resident as credit", CreditCode, "440524188001010014", IDCheckRegion,
			"credit code: unknown registration department, institution type or region code"},
		{"credit as resident", ResidentID, "91350100M000100Y43", IDCheckCharset,
			"resident ID: must be 17 digits followed by a digit or X"},
		{"resident checksum", ResidentID, "110105194912310021", IDCheckChecksum,
			"resident ID: check character does not match"},
		{"unknown kind", IDKind("passport"), "E12345678", IDCheckKind,
			"identity number: unknown kind passport"},
		{"empty kind", "", "11010519491231002X", IDCheckKind, "identity number: unknown kind "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateID(tt.kind, tt.in, idTestNow)
			if got := checkOf(t, err, tt.kind); got != tt.want {
				t.Errorf("ValidateID(%q, %q) check = %q, want %q", tt.kind, tt.in, got, tt.want)
			}
			if err != nil && err.Error() != tt.wantError {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.wantError)
			}
		})
	}
}

func TestIDErrorMessages(t *testing.T) {
	t.Parallel()
	checks := []string{IDCheckEmpty, IDCheckLength, IDCheckCharset, IDCheckRegion,
		IDCheckBirthDate, IDCheckChecksum}
	seen := map[string]bool{}
	for _, kind := range []IDKind{ResidentID, CreditCode} {
		for _, check := range checks {
			msg := (&IDError{Kind: kind, Check: check}).Error()
			if strings.Contains(msg, "failed check") || seen[msg] {
				t.Errorf("%s/%s: message %q is generic or repeated", kind, check, msg)
			}
			seen[msg] = true
		}
	}
}

func TestNormalizeID(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{" 11010519491231002x\t\n", "11010519491231002X"},
		{"91350100m000100y43", "91350100M000100Y43"},
		{"91350100M000100Y43", "91350100M000100Y43"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := NormalizeID(tt.in); got != tt.want {
				t.Errorf("NormalizeID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIDKindOf(t *testing.T) {
	t.Parallel()
	const allDigitCredit = "914403007084611005" // valid credit code; resident check would be 2
	tests := []struct {
		in   string
		want IDKind
	}{
		{"11010519491231002X", ResidentID},
		{"440524188001010014", ResidentID},
		{"110105194912310021", ResidentID}, // a mistyped resident ID stays a resident ID
		{"91350100M000100Y43", CreditCode},
		{"11100000000013338W", CreditCode},
		{"X10105194912310021", CreditCode},
		{allDigitCredit, CreditCode},
		{"1101051949", ResidentID},
		{"", ResidentID},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := IDKindOf(tt.in); got != tt.want {
				t.Errorf("IDKindOf(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskID(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"11010519491231002X", "1101**********002X"},
		{"11010519491231002x", "1101**********002X"},
		{"321001199001012119", "3210**********2119"},
		{"91350100M000100Y43", "9135**********0Y43"},
		{"11100000000013338W", "1110**********338W"},
		{"1101051949", "11******49"},
		{"123", "***"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := MaskID(tt.in); got != tt.want {
				t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"张", "*"},
		{"张三", "张*"},
		{"张小三", "张*三"},
		{"欧阳小明", "欧**明"},
		{" 李四 ", "李*"},
		{"阿依古丽·买买提", "阿******提"},
		{"Li", "L*"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := MaskName(tt.in); got != tt.want {
				t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// validIDError fails unless err is nil or an *IDError of kind naming one of the checks.
func validIDError(t *testing.T, err error, kind IDKind) {
	t.Helper()
	switch checkOf(t, err, kind) {
	case "", IDCheckEmpty, IDCheckLength, IDCheckCharset, IDCheckRegion, IDCheckBirthDate,
		IDCheckChecksum:
	default:
		t.Fatalf("unexpected error %v", err)
	}
}

func FuzzResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "321083197812162119",
		"110105194912310021", "11010519490230002X", "99010519491231002X", "", "x", "号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateResidentID(s, idTestNow)
		validIDError(t, err, ResidentID)
		if err == nil {
			if utf8.RuneCountInString(s) != 18 || len(s) != 18 {
				t.Fatalf("%q validated with length %d", s, len(s))
			}
			if want := withResidentCheck(t, s[:17]); s != want {
				t.Fatalf("%q validated, recomputed %q", s, want)
			}
		}
		if len(s) < 17 {
			return
		}
		body := s[:17]
		// A body that fails only on its check character must validate with the right one.
		if err := ValidateResidentID(body+"0", idTestNow); err == nil ||
			checkOf(t, err, ResidentID) == IDCheckChecksum {
			full := withResidentCheck(t, body)
			if err := ValidateResidentID(full, idTestNow); err != nil {
				t.Fatalf("%q with computed check character: %v", full, err)
			}
		}
	})
}

func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91310110666007217T", "11100000000013338W",
		"91350100M000100Y44", "B1350100M000100Y43", "91350100m000100y43", "", "Y", "号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateCreditCode(s)
		validIDError(t, err, CreditCode)
		if err == nil {
			if utf8.RuneCountInString(s) != 18 || len(s) != 18 {
				t.Fatalf("%q validated with length %d", s, len(s))
			}
			if want := withCreditCheck(t, s[:17]); s != want {
				t.Fatalf("%q validated, recomputed %q", s, want)
			}
		}
		_ = MaskID(s)
		_ = IDKindOf(s)
		if len(s) < 17 {
			return
		}
		body := s[:17]
		if err := ValidateCreditCode(body + "0"); err == nil ||
			checkOf(t, err, CreditCode) == IDCheckChecksum {
			full := withCreditCheck(t, body)
			if err := ValidateCreditCode(full); err != nil {
				t.Fatalf("%q with computed check character: %v", full, err)
			}
		}
	})
}
