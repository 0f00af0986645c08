package workflow

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Special procedures that stop the clock (行政许可法 Art. 45).
var SuspendKinds = []string{"hearing", "tender", "auction", "inspection", "testing", "quarantine",
	"appraisal", "expert_review", "site_survey"}

// Deliveries of a result (统一出件): window pickup, post with carrier and
// tracking number, electronic (download / e-licence).
var Deliveries = []string{"window", "post", "online"}

// Field problems, as short codes a caller turns into a message.
const (
	FieldRequired = "required"
	FieldInvalid  = "invalid"
	FieldTooLarge = "too_large"
	FieldPast     = "not_in_future"
	// FieldTooLate is a due date beyond what the rules allow (a 容缺 period).
	FieldTooLate = "too_late"
	// FieldAlreadyExtended is a second extension: the law allows one (Art. 42).
	FieldAlreadyExtended = "already_extended"
	// FieldBeyondCalendar is a deadline in a year the working-day calendar
	// does not cover: it cannot be counted until that year's schedule is loaded.
	FieldBeyondCalendar = "calendar_beyond"
)

// CheckFields checks the fields an action needs (DESIGN §4) and returns the
// problems by field name; empty when they are fine. today bounds due dates;
// maxExtend is how many working days an extension may still add.
func CheckFields(act Action, f map[string]string, today time.Time, maxExtend int) map[string]string {
	p := map[string]string{}
	need := func(names ...string) {
		for _, n := range names {
			if strings.TrimSpace(f[n]) == "" {
				p[n] = FieldRequired
			}
		}
	}
	switch act {
	case Reject, SendBack, Deny, Terminate, Revoke:
		need("reason")
	case RequestSupplement:
		need("missing")
	case AcceptPending:
		need("pending") // the due date defaults to the item's 容缺 period
		if d := f["due"]; d != "" {
			if t, err := ParseDate(d); err != nil {
				p["due"] = FieldInvalid
			} else if !t.After(today) {
				p["due"] = FieldPast
			}
		}
	case ReceivePending:
		need("received")
	case Suspend:
		need("kind", "reason", "expected_days")
		if k := f["kind"]; k != "" && !slices.Contains(SuspendKinds, k) {
			p["kind"] = FieldInvalid
		}
		checkDays(p, f, "expected_days", 365)
	case Extend:
		need("days", "reason")
		checkDays(p, f, "days", maxExtend)
	case Issue:
		need("delivery")
		if d := f["delivery"]; d != "" && !slices.Contains(Deliveries, d) {
			p["delivery"] = FieldInvalid
		}
		if f["delivery"] == "post" {
			need("tracking_number", "carrier")
		}
	}
	for k, v := range f {
		if len(v) > 2000 && p[k] == "" {
			p[k] = FieldTooLarge
		}
	}
	return p
}

func checkDays(p map[string]string, f map[string]string, name string, limit int) {
	v := f[name]
	if v == "" {
		return
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil || n < 1:
		p[name] = FieldInvalid
	case n > limit:
		p[name] = FieldTooLarge
	}
}

// SplitList reads a list field of an action ("missing", "pending"): keys
// separated by commas, blanks dropped.
func SplitList(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}
