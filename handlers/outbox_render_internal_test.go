package handlers

import (
	"strings"
	"testing"

	"onewindow/models"
	"onewindow/web"
)

// A decision's message tells it in the item type's own words, in the
// message's language, and the internal vocabulary never reaches a gateway;
// a payment notice's message tells its amount and number.
func TestOutboxMessagesTellTheDecisionInTheItemTypesWords(t *testing.T) {
	site, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{site: site}
	msg := func(kind, lang string, params map[string]string) models.Message {
		p := map[string]string{"number": "2026-0001", "item": "最低生活保障对象认定"}
		for k, v := range params {
			p[k] = v
		}
		return models.Message{Kind: kind, Lang: lang, Params: p}
	}
	for _, c := range []struct {
		kind, lang, vocabulary, want, never string
	}{
		{models.NoticeApproved, "zh-CN", "confirmation", "予以确认", "许可"},
		{models.NoticeDenied, "zh-CN", "confirmation", "不予确认", "许可"},
		{models.NoticeApproved, "zh-CN", "service", "已办结", "许可"},
		{models.NoticeApproved, "zh-CN", "licence", "准予许可", "确认"},
		{models.NoticeDenied, "zh-CN", "licence", "不予许可", "确认"},
	} {
		m := msg(c.kind, c.lang, map[string]string{"vocabulary": c.vocabulary})
		_, body := s.renderMessage(m)
		if !strings.Contains(body, c.want) || strings.Contains(body, c.never) {
			t.Errorf("%s %s: %q, want %q and never %q", c.kind, c.vocabulary, body, c.want, c.never)
		}
		params := s.messageParams(m)
		if _, ok := params["vocabulary"]; ok || !strings.Contains(params["result"], c.want) {
			t.Errorf("%s %s: the gateway's parameters %v", c.kind, c.vocabulary, params)
		}
	}
	m := msg(models.NoticeApproved, "en", map[string]string{"vocabulary": "confirmation"})
	if _, body := s.renderMessage(m); strings.Contains(body, "{result}") || strings.ContainsFunc(body, func(r rune) bool {
		return r >= 0x3000 && r < 0x9fff && !strings.ContainsRune("最低生活保障对象认定", r)
	}) {
		t.Errorf("the English decision message: %q", body)
	}
	_, body := s.renderMessage(msg(models.NoticePayment, "zh-CN", map[string]string{"amount": "80.00", "notice": "JK202603020001"}))
	if !strings.Contains(body, "80.00 元") || !strings.Contains(body, "JK202603020001") {
		t.Errorf("the payment notice message: %q", body)
	}
	// Without the amount (unknown is not zero) the short text names no sum.
	if _, body = s.renderMessage(msg(models.NoticePayment, "zh-CN", nil)); strings.Contains(body, "元") || strings.Contains(body, "{") {
		t.Errorf("the payment notice message without its amount: %q", body)
	}
}
