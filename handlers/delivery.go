package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// Delivery of the result (issue 16 item 4, 行政许可法 Art. 44): the mode the
// applicant chose when filing (the window may change it), the ten working
// days from a positive decision, how the result went out and who signed for
// it when.

// deliveryView is the delivery as the applicant and the window see it.
type deliveryView struct {
	Mode       string `json:"mode"` // window, post, online; empty: not chosen
	ModeLabel  string `json:"mode_label"`
	State      string `json:"state"` // waiting, to_issue, sent, delivered
	StateLabel string `json:"state_label"`
	DecidedOn  string `json:"decided_on,omitempty"`
	DueOn      string `json:"due_on,omitempty"`
	Overdue    bool   `json:"overdue"`
	IssuedOn   string `json:"issued_on,omitempty"`
	IssuedBy   string `json:"issued_by,omitempty"` // the mode it went out by
	Carrier    string `json:"carrier,omitempty"`
	Tracking   string `json:"tracking_number,omitempty"`
	ReceivedOn string `json:"received_on,omitempty"`
	Receiver   string `json:"receiver,omitempty"` // masked
	Lang       string `json:"-"`                  // the page's language, for the partials
}

// sentStateKey is the locale key of a delivery state; an issued result not yet
// received is 待领取 at the window, 待下载 online and 已寄出 only by post.
func sentStateKey(state, mode string) string {
	if state == models.DeliverySent && (mode == "window" || mode == "online") {
		return "delivery.state.sent_" + mode
	}
	return "delivery.state." + state
}

// deliveryOf reads an application's delivery.
func (s *Server) deliveryOf(c *gin.Context, lang string, app *models.Application) (*deliveryView, error) {
	d, err := s.store.Delivery(c.Request.Context(), app.ID)
	if errors.Is(err, models.ErrNotFound) {
		d, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &deliveryView{Mode: models.PreferredDelivery(app, d), State: models.DeliveryState(app, d),
		IssuedBy: app.Delivery, Tracking: app.TrackingNumber, Lang: lang}
	if app.Delivery != "" {
		v.Mode = app.Delivery // issued: the mode it went out by
	}
	v.ModeLabel = s.site.T(lang, "delivery.unchosen")
	if v.Mode != "" {
		v.ModeLabel = s.site.T(lang, "delivery."+v.Mode)
	}
	v.StateLabel = s.site.T(lang, sentStateKey(v.State, v.Mode))
	if d != nil {
		v.DecidedOn, v.DueOn, v.IssuedOn, v.Carrier, v.ReceivedOn = d.DecidedOn, d.DueOn, d.IssuedOn, d.Carrier, d.ReceivedOn
		v.Overdue = d.Overdue(models.CentreDay(s.now()))
		if v.State == models.DeliveryRevoked {
			v.DueOn, v.Overdue = "", false // a revoked grant is not delivered, so it has no delivery due
		}
		v.Receiver = models.MaskName(models.ApplicantPerson, d.Receiver)
	}
	return v, nil
}

// feesAndDelivery are the 缴费 step (nil for an item that does not charge)
// and the delivery of an application, for its status.
func (s *Server) feesAndDelivery(c *gin.Context, lang string, app *models.Application) (*feesStatus, *deliveryView, error) {
	f, err := s.feesOf(c, lang, app)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.deliveryOf(c, lang, app)
	return f, d, err
}

// deliveryModeInput is the body of POST /api/v1/applications/{number}/delivery.
type deliveryModeInput struct {
	Version int    `json:"version" form:"version"`
	Mode    string `json:"mode" form:"mode"`
}

// deliveryReceiptInput is the body of POST /api/v1/applications/{number}/delivery/receipt.
type deliveryReceiptInput struct {
	Version    int    `json:"version" form:"version"`
	Receiver   string `json:"receiver" form:"receiver"`
	ReceivedOn string `json:"received_on" form:"received_on"` // YYYY-MM-DD
}

func (s *Server) changeDeliveryMode(c *gin.Context, app *models.Application, in deliveryModeInput) error {
	if err := requireVersion(in.Version); err != nil {
		return err
	}
	return s.store.ChangeDeliveryMode(c.Request.Context(), models.DeliveryModeChange{Number: app.Number, Version: in.Version,
		Actor: principalOf(c).user.Username, Role: feesRole, Mode: in.Mode, Now: s.now()})
}

func (s *Server) recordReceipt(c *gin.Context, app *models.Application, in deliveryReceiptInput) error {
	if err := requireVersion(in.Version); err != nil {
		return err
	}
	return s.store.RecordReceipt(c.Request.Context(), models.Receipt{Number: app.Number, Version: in.Version,
		Actor: principalOf(c).user.Username, Role: feesRole, Receiver: in.Receiver, ReceivedOn: in.ReceivedOn, Now: s.now()})
}

func (s *Server) apiChangeDeliveryMode(c *gin.Context) error {
	app, err := s.feesApplication(c)
	if err != nil {
		return err
	}
	var in deliveryModeInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not valid JSON for a delivery mode")
	}
	if err := s.changeDeliveryMode(c, app, in); err != nil {
		return err
	}
	return s.answerDelivery(c, app.Number)
}

func (s *Server) apiRecordReceipt(c *gin.Context) error {
	app, err := s.feesApplication(c)
	if err != nil {
		return err
	}
	var in deliveryReceiptInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return badRequest("the body is not valid JSON for a receipt")
	}
	if err := s.recordReceipt(c, app, in); err != nil {
		return err
	}
	return s.answerDelivery(c, app.Number)
}

// answerDelivery answers a delivery change with the delivery and the application's new version.
func (s *Server) answerDelivery(c *gin.Context, number string) error {
	app, err := s.store.Application(c.Request.Context(), number)
	if err != nil {
		return err
	}
	v, err := s.deliveryOf(c, langOf(c), app)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"number": app.Number, "version": app.Version, "delivery": v})
	return nil
}

// deliveryRow is one result in the window's list of deliveries.
type deliveryRow struct {
	Number, Item, Department, Applicant, Due, Issued, Mode, Tracking string
	State                                                            string
	Overdue                                                          bool
}

// deliveryQueueSize is how many open deliveries the desk lists.
const deliveryQueueSize = 50

// deliveryRows lists the results to deliver for the window's desk, earliest due first.
func (s *Server) deliveryRows(c *gin.Context) ([]deliveryRow, error) {
	cases, err := s.store.DeliveriesOpen(c.Request.Context(), deliveryQueueSize)
	if err != nil {
		return nil, err
	}
	lang, ref, today := langOf(c), s.ref.Load(), models.CentreDay(s.now())
	out := make([]deliveryRow, 0, len(cases))
	for _, dc := range cases {
		r := deliveryRow{Number: dc.Number, Item: dc.ItemName, Department: ref.deptByKey[dc.DepartmentCode].Name,
			Applicant: models.MaskName(models.ApplicantPerson, dc.ApplicantName), Due: dc.DueOn, Issued: dc.IssuedOn,
			Tracking: dc.TrackingNumber, Overdue: dc.Overdue(today)}
		r.State = s.site.T(lang, "delivery.state."+models.DeliveryToIssue)
		if dc.IssuedOn != "" {
			r.State = s.site.T(lang, sentStateKey(models.DeliverySent, dc.Delivery))
			r.Mode = s.site.T(lang, "delivery."+dc.Delivery)
		}
		out = append(out, r)
	}
	return out, nil
}
