package form

// Who applies for an item, by its service objects.
const (
	applicantPerson = "person"
	applicantOrg    = "organisation"
)

// Default returns the form of an item without a form of its own, by the item's name and
// service objects: the applicant's particulars (a person's or an organisation's, or a
// choice between them where the item serves both), prefilled from the profile, a contact
// address, what is applied for and why, how the result is received, and the declaration.
func Default(itemName string, serviceObjects []string) Schema {
	person, org := serves(serviceObjects)
	var fs []Field
	var personIf, orgIf *Condition
	if person && org {
		fs = append(fs, Field{
			Key: "applicant_type", Type: TypeSelect, Required: true, Prefill: "kind",
			Label: Text{Zh: "申请人类型", En: "Applicant type"},
			Options: []Option{
				{Value: applicantPerson, Label: Text{Zh: "自然人", En: "Person"}},
				{Value: applicantOrg, Label: Text{Zh: "法人或其他组织", En: "Organisation"}},
			},
		})
		personIf = &Condition{Field: "applicant_type", Equals: applicantPerson}
		orgIf = &Condition{Field: "applicant_type", Equals: applicantOrg}
	}
	if person {
		fs = append(fs, personFields(personIf)...)
	}
	if org {
		fs = append(fs, orgFields(orgIf)...)
	}
	fs = append(fs, commonFields(itemName)...)
	return Schema{Version: 1, Fields: fs}
}

// serves reports whether an item serves persons, organisations or both; an item that names
// no service objects serves both.
func serves(objs []string) (person, org bool) {
	for _, o := range objs {
		if o == "person" {
			person = true
		} else if o != "" {
			org = true
		}
	}
	if !person && !org {
		return true, true
	}
	return person, org
}

// personFields are a person's particulars.
func personFields(cond *Condition) []Field {
	return []Field{
		{Key: "name", Type: TypeText, Required: true, Max: num(50), Prefill: "name", VisibleIf: cond,
			Label: Text{Zh: "申请人姓名", En: "Applicant's name"},
			Help:  Text{Zh: "与身份证件上的姓名一致", En: "As on the identity document"}},
		{Key: "id_number", Type: TypeIDNumber, Required: true, Prefill: "id_number", VisibleIf: copyCond(cond),
			Label: Text{Zh: "公民身份号码", En: "Resident ID number"}},
	}
}

// orgFields are an organisation's particulars.
func orgFields(cond *Condition) []Field {
	return []Field{
		{Key: "org_name", Type: TypeText, Required: true, Max: num(100), Prefill: "org_name", VisibleIf: cond,
			Label: Text{Zh: "单位名称", En: "Organisation name"},
			Help:  Text{Zh: "与营业执照或登记证书上的名称一致", En: "As on the business licence or registration certificate"}},
		{Key: "credit_code", Type: TypeIDNumber, Required: true, Prefill: "credit_code", VisibleIf: copyCond(cond),
			Label: Text{Zh: "统一社会信用代码", En: "Unified social credit code"}},
		{Key: "legal_rep", Type: TypeText, Required: true, Max: num(50), VisibleIf: copyCond(cond),
			Label: Text{Zh: "法定代表人（负责人）", En: "Legal representative"}},
		{Key: "agent_name", Type: TypeText, Max: num(50), Prefill: "name", VisibleIf: copyCond(cond),
			Label: Text{Zh: "经办人姓名", En: "Agent's name"},
			Help:  Text{Zh: "委托他人办理的，另附授权委托书", En: "An agent also hands in a power of attorney"}},
	}
}

// commonFields are asked of every applicant.
func commonFields(itemName string) []Field {
	return []Field{
		{Key: "phone", Type: TypePhone, Required: true, Prefill: "phone",
			Label: Text{Zh: "联系电话", En: "Phone"},
			Help:  Text{Zh: "办理进度和结果通过此号码通知", En: "Progress and the result are sent to this number"}},
		{Key: "email", Type: TypeEmail, Prefill: "email",
			Label: Text{Zh: "电子邮箱", En: "E-mail"}},
		{Key: "address", Type: TypeAddress, Required: true, Min: num(5), Prefill: "address",
			Label: Text{Zh: "联系地址", En: "Contact address"},
			Help:  Text{Zh: "纸质结果文书按此地址寄送", En: "Paper results are posted to this address"}},
		{Key: "request", Type: TypeTextarea, Required: true, Min: num(5), Max: num(1000),
			Label: Text{Zh: "申请事项说明", En: "What is applied for"},
			Help: Text{Zh: "请写明申请办理“" + itemName + "”的具体内容、理由和依据",
				En: "Say what you apply for under this item, why and on what grounds"}},
		{Key: "delivery", Type: TypeSelect, Required: true,
			Label: Text{Zh: "结果领取方式", En: "How to receive the result"},
			Options: []Option{
				{Value: "window", Label: Text{Zh: "窗口领取", En: "At the window"}},
				{Value: "post", Label: Text{Zh: "邮寄送达", En: "By post"}},
				{Value: "online", Label: Text{Zh: "网上下载（电子证照）", En: "Download (electronic)"}},
			}},
		{Key: "declaration", Type: TypeCheckbox, Required: true,
			Label: Text{Zh: "本人（单位）承诺所填信息和所交材料真实、有效", En: "I declare the information and materials true and valid"}},
	}
}

// num returns a pointer to a bound.
func num(f float64) *float64 { return &f }

// copyCond gives each field its own copy of a condition.
func copyCond(c *Condition) *Condition {
	if c == nil {
		return nil
	}
	d := *c
	return &d
}
