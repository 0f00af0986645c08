package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"onewindow/models"
	"onewindow/policies"
)

// The 缴费 step (issue 17 item 6): the window writes a 缴款通知书 for an
// application of a charging item, marks it paid against a receipt, or
// records a 减免 the item lists; a payment platform reports payments to a
// signed callback. No result is issued until the notice is settled
// (models.ErrPaymentRequired).

// feesRole is the role the 缴费 step's events name: the window that issues results.
const feesRole = "window_clerk"

// paymentView is a payment notice as the applicant and the window see it.
type paymentView struct {
	Number        string     `json:"notice_number"`
	FeeNames      []string   `json:"fee_names"`
	Amount        string     `json:"amount"` // yuan, two decimals
	AmountFen     int64      `json:"amount_fen"`
	State         string     `json:"state"` // unpaid, paid, exempt
	StateLabel    string     `json:"state_label"`
	Exemption     string     `json:"exemption,omitempty"`
	IssuedAt      time.Time  `json:"issued_at"`
	IssuedOn      string     `json:"-"` // the date of issue at the centre, as the notice is dated
	PaidAt        *time.Time `json:"paid_at,omitempty"`
	PaidVia       string     `json:"paid_via,omitempty"`
	ReceiptNumber string     `json:"receipt_number,omitempty"`
	Lang          string     `json:"-"` // the page's language, for the partials
}

// feesStatus is the 缴费 step of an application: whether it charges, and its notice.
type feesStatus struct {
	Charges bool         `json:"charges"`
	Notice  *paymentView `json:"notice"`
}

func (s *Server) paymentViewOf(lang string, p models.PaymentNotice) *paymentView {
	v := &paymentView{Number: p.Number, Amount: models.FormatFen(p.AmountFen), AmountFen: p.AmountFen, State: p.State,
		StateLabel: s.site.T(lang, "fees.state."+p.State), Exemption: p.Exemption, IssuedAt: p.IssuedAt, PaidAt: p.PaidAt,
		IssuedOn: models.FormatDay(models.CentreDay(p.IssuedAt)),
		PaidVia:  p.PaidVia, ReceiptNumber: p.ReceiptNumber, FeeNames: []string{}, Lang: lang}
	for _, n := range strings.Split(p.FeeNames, "\n") {
		if n != "" {
			v.FeeNames = append(v.FeeNames, n)
		}
	}
	return v
}

// feesOf reads the 缴费 step of an application; nil for an item that does not charge.
func (s *Server) feesOf(c *gin.Context, lang string, app *models.Application) (*feesStatus, error) {
	def := app.Definition
	if !def.Charges {
		return nil, nil
	}
	out := &feesStatus{Charges: true}
	notices, err := s.store.PaymentNotices(c.Request.Context(), app.ID)
	if err != nil {
		return nil, err
	}
	if len(notices) > 0 {
		out.Notice = s.paymentViewOf(lang, notices[len(notices)-1])
	}
	return out, nil
}

// feesNoticeInput is the body of POST /api/v1/applications/{number}/payment-notice.
type feesNoticeInput struct {
	Version   int    `json:"version" form:"version"`
	Amount    string `json:"amount" form:"amount"` // yuan, at most two decimals
	Exemption string `json:"exemption" form:"exemption"`
}

// feesPaidInput is the body of POST /api/v1/applications/{number}/payment-notice/paid.
type feesPaidInput struct {
	Version       int    `json:"version" form:"version"`
	ReceiptNumber string `json:"receipt_number" form:"receipt_number"`
}

// feesApplication loads an application for the window's 缴费 and delivery
// work, authorized as issuing its result.
func (s *Server) feesApplication(c *gin.Context) (*models.Application, error) {
	app, err := s.store.Application(c.Request.Context(), c.Param("number"))
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c, app.DepartmentCode, policies.ObjApplication, policies.ActIssue); err != nil {
		return nil, err
	}
	return app, nil
}

func (s *Server) issuePaymentNotice(c *gin.Context, app *models.Application, in feesNoticeInput) (*models.PaymentNotice, error) {
	if err := requireVersion(in.Version); err != nil {
		return nil, err
	}
	fen := int64(0)
	if a := strings.TrimSpace(in.Amount); a != "" {
		var ok bool
		if fen, ok = models.ParseYuan(a); !ok {
			return nil, &models.FieldsError{Fields: map[string]string{"amount": "invalid"}}
		}
	} else if strings.TrimSpace(in.Exemption) == "" {
		return nil, &models.FieldsError{Fields: map[string]string{"amount": "required"}}
	}
	return s.store.IssuePaymentNotice(c.Request.Context(), models.NewPaymentNotice{Number: app.Number, Version: in.Version,
		Actor: principalOf(c).user.Username, Role: feesRole, AmountFen: fen, Exemption: in.Exemption, Now: s.now()})
}

func (s *Server) apiIssuePaymentNotice(c *gin.Context) error {
	app, err := s.feesApplication(c)
	if err != nil {
		return err
	}
	var in feesNoticeInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not valid JSON for a payment notice")
	}
	p, err := s.issuePaymentNotice(c, app, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, s.paymentViewOf(langOf(c), *p))
	return nil
}

func (s *Server) markPaid(c *gin.Context, app *models.Application, in feesPaidInput) (*models.PaymentNotice, error) {
	if err := requireVersion(in.Version); err != nil {
		return nil, err
	}
	return s.store.MarkPaidAtWindow(c.Request.Context(), models.WindowPayment{Number: app.Number, Version: in.Version,
		Actor: principalOf(c).user.Username, Role: feesRole, ReceiptNumber: in.ReceiptNumber, Now: s.now()})
}

func (s *Server) apiMarkPaid(c *gin.Context) error {
	app, err := s.feesApplication(c)
	if err != nil {
		return err
	}
	var in feesPaidInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not valid JSON for a payment")
	}
	p, err := s.markPaid(c, app, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.paymentViewOf(langOf(c), *p))
	return nil
}

// Payment callbacks: the platform signs the raw body with HMAC-SHA256 and the
// shared secret and sends the hex digest in the X-Signature header
// ("sha256=<hex>"). The body names the notice, the amount in fen, its own
// transaction id and the Unix time it signed at; a report older or newer
// than callbackWindow is a replay and refused.

// callbackWindow is how far a callback's timestamp may be from the server's clock.
const callbackWindow = 5 * time.Minute

// feesCallbackInput is the body of POST /api/v1/payments/callback.
type feesCallbackInput struct {
	Notice        string `json:"notice_number"`
	AmountFen     *int64 `json:"amount_fen"`
	TransactionID string `json:"transaction_id"`
	Timestamp     int64  `json:"timestamp"`
}

// SignPaymentCallback is the X-Signature value of a callback body under secret.
func SignPaymentCallback(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (s *Server) apiPaymentCallback(c *gin.Context) error {
	if len(s.paymentSecret) == 0 {
		return &Error{Status: http.StatusServiceUnavailable, Code: "payments_not_configured", Message: "no payment platform is configured"}
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 16<<10))
	if err != nil {
		return badRequest("unreadable body")
	}
	want := SignPaymentCallback(s.paymentSecret, body)
	if !hmac.Equal([]byte(want), []byte(strings.TrimSpace(c.GetHeader("X-Signature")))) {
		return &Error{Status: http.StatusUnauthorized, Code: "bad_signature", Message: "the X-Signature header does not sign this body"}
	}
	var in feesCallbackInput
	if err := json.Unmarshal(body, &in); err != nil {
		return badRequest("the body is not valid JSON for a payment report")
	}
	bad := map[string]string{}
	if strings.TrimSpace(in.Notice) == "" {
		bad["notice_number"] = "is required"
	}
	if in.AmountFen == nil || *in.AmountFen < 0 {
		bad["amount_fen"] = "is required: the amount paid in fen"
	}
	if t := strings.TrimSpace(in.TransactionID); t == "" || len(t) > 64 {
		bad["transaction_id"] = "is required (at most 64 characters)"
	}
	if in.Timestamp == 0 {
		bad["timestamp"] = "is required: the Unix time the report was signed"
	}
	if len(bad) > 0 {
		return invalid(bad)
	}
	if d := s.now().Sub(time.Unix(in.Timestamp, 0)); d > callbackWindow || d < -callbackWindow {
		return &Error{Status: http.StatusConflict, Code: "stale_callback", Message: "the report's timestamp is outside the accepted window: a replay is refused"}
	}
	p, replayed, err := s.store.PayByCallback(c.Request.Context(), models.CallbackPayment{Notice: in.Notice,
		AmountFen: *in.AmountFen, TransactionID: strings.TrimSpace(in.TransactionID), Now: s.now()})
	var fe *models.FieldsError
	if errors.As(err, &fe) {
		return invalid(map[string]string{"amount_fen": "is not the amount of the payment notice"})
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"notice_number": p.Number, "state": p.State, "replayed": replayed})
	return nil
}
