package handlers

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// Errors of the service-guide form: the model's field errors translated by
// the rule they broke and put on the field or table row they are about.

var guideRowField = regexp.MustCompile(`^(materials|fees|steps|departments)\[(\d+)\]\.(\w+)$`)

// guideFieldLabels names the locale label of each field of the form.
var guideFieldLabels = map[string]string{
	"code": "item.code", "catalog_code": "item.catalog_code", "name": "admin.field.name", "type": "item.type",
	"department": "item.department", "power_source": "item.power_source", "use_level": "item.use_level",
	"legal_basis": "item.legal_basis", "service_objects": "item.service_objects", "handling_kind": "item.handling_kind",
	"statutory_days": "admin.field.statutory_days", "promised_days": "admin.field.promised_days",
	"accept_conditions": "item.conditions", "handle_forms": "item.handle_forms", "visits": "admin.field.visits",
	"location": "item.location", "hours": "item.hours", "phone": "item.phone", "complaint_phone": "item.complaint_phone",
	"fee_basis": "admin.field.fee_basis", "special_procedure": "item.special_procedure",
	"result_type": "admin.field.result_type", "result_name": "admin.field.result_name",
	"online_depth": "item.online_depth", "area": "item.area", "effective_on": "catalogue.form.effective_on",
	"reason": "admin.field.reason", "materials": "item.materials", "fees": "item.fees", "steps": "item.process",
	"departments": "catalogue.form.workflow",
}

// setErrors puts the form's parse errors and the model's field errors on the
// page: each on its field or row, translated, and all in the summary.
func (s *Server) setGuideErrors(c *gin.Context, p *itemEditPage, sub *guideSubmission, ve *models.ValidationError) {
	lang := langOf(c)
	p.Errors = map[string]string{}
	for field, key := range sub.bad {
		p.Errors[field] = s.site.T(lang, key)
	}
	if ve != nil {
		for field := range ve.Fields {
			if _, ok := p.Errors[field]; ok {
				continue
			}
			msg := s.site.T(lang, "catalogue.err."+ve.Rule(field))
			if field == "reason" {
				msg = s.site.T(lang, "admin.err.reason")
			}
			if sub.setStagesError(field, msg) {
				p.Errors["departments"] = s.site.T(lang, "catalogue.err.rows")
				continue
			}
			if m := guideRowField.FindStringSubmatch(field); m != nil {
				i, _ := strconv.Atoi(m[2])
				if st := sub.guideRowState(m[1], i); st != nil {
					st.Errors[m[3]] = msg
				}
				p.Errors[m[1]] = s.site.T(lang, "catalogue.err.rows")
				continue
			}
			p.Errors[field] = msg
		}
	}
	p.Summary = nil
	for field, msg := range p.Errors {
		label := field
		if k, ok := guideFieldLabels[field]; ok {
			label = s.site.T(lang, k)
		}
		p.Summary = append(p.Summary, label+"："+msg)
	}
	slices.Sort(p.Summary)
	p.Materials, p.Fees, p.Steps, p.Workflow = sub.materials, sub.fees, sub.steps, sub.workflow
	// Cells that could not be read hold a locale key; the model's messages are translated already.
	for _, st := range sub.states() {
		for col, key := range st.Errors {
			if strings.HasPrefix(key, "admin.err.") {
				st.Errors[col] = s.site.T(lang, key)
			}
		}
	}
}

// guideRowState is the form row of the i-th item row of a table, or nil.
func (sub *guideSubmission) guideRowState(table string, i int) *guideRowState {
	switch table {
	case "materials":
		if i < len(sub.matOf) {
			return &sub.materials[sub.matOf[i]].guideRowState
		}
	case "fees":
		if i < len(sub.feeOf) {
			return &sub.fees[sub.feeOf[i]].guideRowState
		}
	case "steps":
		if i < len(sub.stepOf) {
			return &sub.steps[sub.stepOf[i]].guideRowState
		}
	case "departments":
		if i < len(sub.deptOf) {
			return &sub.workflow[sub.deptOf[i]].guideRowState
		}
	}
	return nil
}

// states lists every form row's state.
func (sub *guideSubmission) states() []*guideRowState {
	var out []*guideRowState
	for i := range sub.materials {
		out = append(out, &sub.materials[i].guideRowState)
	}
	for i := range sub.fees {
		out = append(out, &sub.fees[i].guideRowState)
	}
	for i := range sub.steps {
		out = append(out, &sub.steps[i].guideRowState)
	}
	for i := range sub.workflow {
		out = append(out, &sub.workflow[i].guideRowState)
		for j := range sub.workflow[i].StageRows {
			out = append(out, &sub.workflow[i].StageRows[j].guideRowState)
		}
	}
	return out
}
