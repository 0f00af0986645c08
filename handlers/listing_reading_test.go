package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestListingSavedByChineseExcelImports: a 实施清单 saved by Excel on Chinese Windows (GBK) with
// a title row above its headers is read, and its 申请材料 become one material each.
func TestListingSavedByChineseExcelImports(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "catalog")
	file, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("XX区政务服务事项实施清单,,,,\r\n" +
		"实施主体,事项名称,实施编码,事项类型,申请材料\r\n" +
		"区民政局,农村土地承包经营权流转备案,GBK-1,行政确认,\"1.流转合同;2.身份证明\"\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	status, dry := uploadListing(t, env, tok, "format=csv", file, "zh-CN")
	if status != 200 || dry.Layout != "listing" || dry.Created != 1 || len(dry.Problems) != 0 {
		t.Fatalf("dry run: %d %+v", status, dry)
	}
	if status, res := uploadListing(t, env, tok, "format=csv&confirm=true", file, "zh-CN"); status != 200 || res.Created != 1 {
		t.Fatalf("confirm: %d %+v", status, res)
	}
	it, err := env.store.Item(context.Background(), "GBK-1")
	if err != nil {
		t.Fatal(err)
	}
	if it.Name != "农村土地承包经营权流转备案" || len(it.Materials) != 2 || it.Materials[0].Name != "流转合同" || it.Materials[1].Name != "身份证明" {
		t.Errorf("item %s with materials %+v", it.Name, it.Materials)
	}
}

// TestListingCodeWithPunctuationSaysWhichCharacters: a 实施编码 with spaces and punctuation is
// refused with a message naming the characters a code may hold, in both languages.
func TestListingCodeWithPunctuationSaysWhichCharacters(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "catalog")
	file := []byte("实施主体,事项名称,实施编码,事项类型\r\n区民政局,甲,TEST BAD CODE!,01\r\n")
	for lang, want := range map[string]string{"zh-CN": "只能包含英文字母、数字和“-”", "en": "only letters, digits and \"-\""} {
		status, res := uploadListing(t, env, tok, "format=csv", file, lang)
		if status != 422 || len(res.Problems) != 1 {
			t.Fatalf("%s: %d %+v", lang, status, res)
		}
		p := res.Problems[0]
		if p.Row != 2 || p.Column != "实施编码" || p.Rule != "code_chars" || !strings.Contains(p.Message, want) ||
			strings.Contains(p.Message, "控制字符") || strings.Contains(p.Message, "control character") {
			t.Errorf("%s: problem %+v, want %q", lang, p, want)
		}
	}
}

// A file that cannot be read at all says why in the page's language, with no
// counts under the error that would read as "nothing to change".
func TestUnreadableFileOnThePageSaysWhyWithoutCounts(t *testing.T) {
	env := newStaffEnv(t)
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	for name, file := range map[string][]byte{"empty": {}, "a title row only": []byte("某某区政务服务事项实施清单\r\n")} {
		status, body := uploadPage(t, env, client, token, file)
		if status != http.StatusUnprocessableEntity && status != http.StatusOK {
			t.Errorf("%s: status %d", name, status)
		}
		i := strings.Index(body, `id="transfer-error"`)
		if i < 0 || strings.Contains(body, "无需导入") || strings.Contains(body, "transfer:") {
			t.Errorf("%s: no error, or counts or English under it: %d %q", name, i, body[max(i, 0):min(len(body), max(i, 0)+400)])
		}
	}
}
