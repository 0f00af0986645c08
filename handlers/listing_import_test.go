package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// listingDepartments are 34 implementing departments as a county's list names them: ten the
// demo catalogue knows by short name, the others new to it.
var listingDepartments = []string{
	"区民政局", "公安分局", "区市场监督管理局", "区卫生健康委员会", "区住房和城乡建设局", "区农牧局",
	"区交通运输局", "区教育局", "税务局", "区人力资源和社会保障局",
	"区残疾人联合会", "区总工会", "区妇女联合会", "区红十字会", "区气象局", "区地震局", "区粮食和物资储备局",
	"区供销合作社", "区乡村振兴局", "区营商环境建设局", "区数据局", "区机关事务服务中心", "区公共资源交易中心",
	"区不动产登记中心", "区社会保险事业服务中心", "区就业服务中心", "区疾病预防控制中心", "区烟草专卖局",
	"区邮政管理局", "区通信发展办公室", "区融媒体中心", "区殡葬管理所", "区福利彩票中心", "区住房公积金管理部",
}

var listingSubItems = []string{"（新办）", "（变更）", "（延续）", "（注销）"}

// realListing writes a 实施清单 as a provincial platform publishes one: rows main items of
// four sub-items each, spread over the 34 departments, real-length codes (53–55 characters),
// and only department, main item, name, code and type filled on most rows.
func realListing(rows int) []byte {
	var b strings.Builder
	b.WriteString("\uFEFF实施主体,主项名称,事项名称,实施编码,基本编码,事项类型,法定办结时限,承诺办结时限,办件类型,是否收费,申请材料,备注\r\n")
	types := []string{"行政许可", "07", "公共服务", "行政确认", "行政处罚", "20"}
	for i := 0; i < rows; i++ {
		main, sub := i/4, i%4
		dept := listingDepartments[main%len(listingDepartments)]
		mainName := fmt.Sprintf("%s第%d项登记", strings.TrimPrefix(dept, "区"), main)
		code := fmt.Sprintf("511A0138%06d-511602000000-000-%018d-%d-%s", main, 115113010833722000+main, sub+1, []string{"00", "0", "00", "000"}[sub])
		statutory, promised, kind, fee, mats := "", "", "", "", ""
		if main%10 == 0 {
			statutory, promised, kind, fee, mats = "20个工作日", "10", "承诺件", "否", "\"申请书\n身份证复印件\""
		}
		fmt.Fprintf(&b, "%s,%s,%s%s,%s,,%s,%s,%s,%s,%s,%s,\r\n", dept, mainName, mainName, listingSubItems[sub], code,
			types[main%len(types)], statutory, promised, kind, fee, mats)
	}
	return []byte(b.String())
}

type listingResult struct {
	DryRun             bool   `json:"dry_run"`
	Layout             string `json:"layout"`
	Items              int    `json:"items"`
	Created            int    `json:"created"`
	Updated            int    `json:"updated"`
	Unchanged          int    `json:"unchanged"`
	DepartmentsCreated []struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"departments_created"`
	Problems []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
		Rule    string `json:"rule"`
	} `json:"problems"`
	Warnings []struct {
		Column string `json:"column"`
	} `json:"warnings"`
}

func uploadListing(t *testing.T, env *demoEnv, token, query string, file []byte, lang string) (int, listingResult) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "listing.csv")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/v1/catalogue/import?"+query, bytes.NewReader(buf.Bytes()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, b := checkedDo(t, http.DefaultClient, req, buf.Bytes())
	var out listingResult
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

func TestRealListingImportsInOneConfirmAndAgainWithoutDuplicates(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "catalog")
	ctx := context.Background()
	before, err := env.store.ItemsForExport(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	const rows = 1136
	file := realListing(rows)
	status, dry := uploadListing(t, env, tok, "format=csv", file, "")
	if status != 200 || !dry.DryRun || dry.Layout != "listing" || dry.Created != rows || len(dry.DepartmentsCreated) != 24 {
		t.Fatalf("dry run: %d %+v", status, dry)
	}
	if len(dry.Warnings) != 1 || dry.Warnings[0].Column != "备注" {
		t.Errorf("warnings: %+v", dry.Warnings)
	}
	if after, _ := env.store.ItemsForExport(ctx, nil); len(after) != len(before) {
		t.Fatalf("the dry run wrote %d items", len(after)-len(before))
	}
	status, res := uploadListing(t, env, tok, "format=csv&confirm=true", file, "")
	if status != 200 || res.DryRun || res.Created != rows || res.Unchanged != 0 || len(res.DepartmentsCreated) != 24 {
		t.Fatalf("confirm: %d %+v", status, res)
	}
	status, again := uploadListing(t, env, tok, "format=csv&confirm=true", file, "")
	if status != 200 || again.Created != 0 || again.Updated != 0 || again.Unchanged != rows || len(again.DepartmentsCreated) != 0 {
		t.Fatalf("again: %d %+v", status, again)
	}
	after, err := env.store.ItemsForExport(ctx, nil)
	if err != nil || len(after) != len(before)+rows {
		t.Fatalf("items: %d, want %d (%v)", len(after), len(before)+rows, err)
	}
	depts, _ := env.store.Departments(ctx)
	names := map[string]int{}
	for _, d := range depts {
		names[d.Name]++
	}
	for _, n := range listingDepartments[10:] {
		if names[n] != 1 {
			t.Errorf("department %s stored %d times", n, names[n])
		}
	}
	// A row with nothing but its names: unknown limits, closed to filing.
	code := "511A0138000001-511602000000-000-115113010833722001-1-00"
	it, err := env.store.Item(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if it.StatutoryDays != nil || it.IsFee != nil || len(it.FilingGaps()) == 0 || it.MainName != "公安分局第1项登记" ||
		it.Name != "公安分局第1项登记（新办）" || it.DepartmentCode != "gaj" {
		t.Errorf("item %+v, gaps %v", it, it.FilingGaps())
	}
	status, body := call(t, env, http.MethodGet, "/api/v1/items/"+code, "", nil)
	if status != 200 || !strings.Contains(string(body), `"statutory_days":null`) {
		t.Errorf("GET item: %d %s", status, body)
	}
	status, body = call(t, env, http.MethodPost, "/api/v1/applications", "", applyBody(code, "11010519491231002X"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "item_code") {
		t.Errorf("filing an incomplete item: %d %s", status, body)
	}
	if len(it.Departments) != 1 || it.Departments[0].DepartmentCode != it.DepartmentCode || len(it.Departments[0].Stages) != 2 {
		t.Errorf("workflow: %+v", it.Departments)
	}
}

func TestBadListingsGetRowAndColumnProblemsAndChangeNothing(t *testing.T) {
	env := newStaffEnv(t)
	tok := loginToken(t, env, "catalog")
	ctx := context.Background()
	before, _ := env.store.ItemsForExport(ctx, nil)
	const head = "实施主体,事项名称,实施编码,事项类型,法定办结时限,承诺办结时限\r\n"
	cases := []struct {
		name, file string
		row        int
		column     string
		zh, en     string
	}{
		{"missing header", "实施主体,事项名称,事项类型\r\n区民政局,甲,01\r\n", 1, "实施编码", "缺少“实施编码”列", "column 实施编码 is missing"},
		{"duplicate code", head + "区民政局,甲,C-1,01,,\r\n区民政局,乙,C-1,01,,\r\n", 3, "实施编码", "与第 2 行重复", "also on row 2"},
		{"formula", head + "区民政局,甲,C-1,01,=SUM(A1:A3),\r\n", 2, "法定办结时限", "是公式", "holds a formula"},
		{"unknown type", head + "区民政局,甲,C-1,行政审批,,\r\n", 2, "事项类型", "没有“行政审批”这种事项类型", "no item type"},
		{"not a number", head + "区民政局,甲,C-1,01,二十,\r\n", 2, "法定办结时限", "不是工作日数", "not a number of working days"},
		{"promised over statutory", head + "区民政局,甲,C-1,01,5,10\r\n", 2, "承诺办结时限", "不能超过法定办结时限", "must not exceed"},
	}
	for _, tc := range cases {
		for _, lang := range []string{"zh-CN", "en"} {
			status, res := uploadListing(t, env, tok, "format=csv&confirm=true", []byte(tc.file), lang)
			want := tc.zh
			if lang == "en" {
				want = tc.en
			}
			if status != 422 || len(res.Problems) == 0 {
				t.Errorf("%s: %d %+v", tc.name, status, res)
				continue
			}
			p := res.Problems[0]
			if p.Row != tc.row || p.Column != tc.column || !strings.Contains(p.Message, want) {
				t.Errorf("%s (%s): problem %+v, want row %d column %s message with %q", tc.name, lang, p, tc.row, tc.column, want)
			}
		}
	}
	// A 50 MB file is refused before it is read.
	big := bytes.Repeat([]byte("区民政局,甲,C-1,01,,\r\n"), 50<<20/24)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "big.csv")
	fw.Write([]byte(head))
	fw.Write(big)
	mw.Close()
	resp, b := callRaw(t, env, http.MethodPost, "/api/v1/catalogue/import?format=csv&confirm=true", tok, mw.FormDataContentType(), buf.Bytes())
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "32 MB") {
		t.Errorf("50 MB file: %d %s", resp.StatusCode, b)
	}
	after, _ := env.store.ItemsForExport(ctx, nil)
	depts, _ := env.store.Departments(ctx)
	if len(after) != len(before) || len(depts) != 34 {
		t.Errorf("bad files changed the catalogue: %d items (was %d), %d departments", len(after), len(before), len(depts))
	}
}

func TestFilteredExportHasEveryMatchingRow(t *testing.T) {
	shared := newStaffEnv(t)
	tok := loginToken(t, shared, "catalog")
	status, body := call(t, shared, http.MethodGet, "/api/v1/items?department=scj", "", nil)
	var list struct {
		Total int `json:"total"`
	}
	if status != 200 || json.Unmarshal(body, &list) != nil || list.Total <= 100 {
		t.Fatalf("items of scj: %d %s", status, body)
	}
	status, file := call(t, shared, http.MethodGet, "/api/v1/catalogue/export?format=csv&department=scj", tok, nil, "Accept-Language", "en")
	if status != 200 {
		t.Fatalf("export: %d", status)
	}
	if n := strings.Count(string(file), "\r\nitem,"); n != list.Total {
		t.Errorf("filtered export has %d items, the search %d", n, list.Total)
	}
	status, file = call(t, shared, http.MethodGet, "/api/v1/catalogue/export?format=csv&q=没有这种事项", tok, nil)
	if status != 200 || strings.Contains(string(file), "\r\n事项,") {
		t.Errorf("a filter matching nothing exported items: %d", status)
	}
}

func TestTransferPageTakesAListingInBothLanguages(t *testing.T) {
	env := newStaffEnv(t)
	const head = "实施主体,事项名称,实施编码,事项类型,法定办结时限,承诺办结时限\r\n"
	bad := []byte(head + "区民政局,甲,C-1,01,5,10\r\n")
	for lang, want := range map[string]string{"zh-CN": "第 2 行「承诺办结时限」：承诺办结时限不能超过法定办结时限。",
		"en": "Row 2, column 承诺办结时限: The promised time limit must not exceed the statutory one."} {
		client := staffClient(t, env, "catalog")
		fetch(t, client, http.MethodGet, env.http.URL+"/admin/catalogue/transfer?lang="+lang, nil)
		token := csrfToken(t, client, env)
		status, body := uploadPage(t, env, client, token, bad)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("%s: bad listing = %d, want %q in the page", lang, status, want)
		}
	}
	client := staffClient(t, env, "catalog")
	token := csrfToken(t, client, env)
	status, body := uploadPage(t, env, client, token, realListing(200))
	if status != 200 || countOf("count-new", body) != "200" || countOf("count-departments", body) != "24" ||
		!strings.Contains(body, `id="new-departments"`) || !strings.Contains(body, "区残疾人联合会") {
		t.Fatalf("listing dry run = %d: new %s departments %s", status, countOf("count-new", body), countOf("count-departments", body))
	}
	m := confirmToken.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no confirm form")
	}
	form := url.Values{"csrf_token": {token}, "token": {m[1]}, "reason": {"导入实施清单"}}
	status, done := confirmPage(t, env, client, form)
	if status != http.StatusOK || countOf("applied-new", done) != "200" || countOf("applied-departments", done) != "24" {
		t.Error("the page does not show what was applied")
	}
}
