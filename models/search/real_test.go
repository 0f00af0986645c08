package search

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// realEntries reads testdata/real_names.tsv into entries: every item retained, on
// application unless its type is exercised ex officio (处罚, 强制, 征收, 检查).
func realEntries(t testing.TB) []Entry {
	t.Helper()
	f, err := os.Open("testdata/real_names.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("bad fixture line %q", line)
		}
		typ := cols[0]
		out = append(out, Entry{
			Code: fmt.Sprintf("R%04d", len(out)+1), Name: cols[2], MainName: cols[1], TypeCode: typ,
			Disposition: "retained", OnApplication: !slices.Contains([]string{"02", "03", "04", "06"}, typ),
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// testAliases mirror what a shipped default dictionary holds: everyday words for the
// official terms of life and business events.
func testAliases() []Alias {
	return []Alias{
		{"低保", []string{"最低生活保障"}},
		{"狗证", []string{"犬"}},
		{"养狗", []string{"犬"}},
		{"狗", []string{"犬"}},
		{"开饭店", []string{"食品经营许可", "餐饮"}},
		{"开餐馆", []string{"食品经营许可", "餐饮"}},
		{"饭店", []string{"餐饮", "食品经营"}},
		{"营业执照", []string{"设立登记"}},
		{"开公司", []string{"设立登记", "企业开办"}},
		{"注册公司", []string{"设立登记"}},
		{"结婚", []string{"结婚登记"}},
		{"离婚", []string{"离婚登记"}},
		{"社保卡", []string{"社会保障卡"}},
		{"盖房子", []string{"乡村建设规划许可", "建设工程规划许可"}},
		{"房产证", []string{"不动产权证书", "不动产登记"}},
		{"驾照", []string{"驾驶证"}},
		{"上户口", []string{"出生登记", "户口迁入"}},
		{"失业金", []string{"失业保险金"}},
		{"公积金", []string{"住房公积金"}},
		{"残疾证", []string{"残疾人证"}},
		{"无犯罪证明", []string{"无犯罪记录证明"}},
		{"网吧", []string{"互联网上网服务营业场所"}},
		{"烟草证", []string{"烟草专卖零售许可证"}},
		{"药店", []string{"药品零售"}},
		{"个税", []string{"个人所得税"}},
		{"出生证明", []string{"出生医学证明"}},
		{"施工许可证", []string{"施工许可证"}},
	}
}

// realQueries are everyday queries and an item each must find in its first five.
var realQueries = []struct{ q, want string }{
	{"营业执照", "企业设立登记"},
	{"低保", "最低生活保障对象认定"},
	{"食品经营许可", "食品(含保健食品)经营许可"},
	{"建设工程规划许可", "建设工程（含临时建设）规划许可证核发"},
	{"狗证", "犬只登记"},
	{"开公司", "企业设立登记"},
	{"开饭店", "食品(含保健食品)经营许可"},
	{"身份证", "居民身份证办理"},
	{"办护照", "普通护照签发"},
	{"食品经营许问", "食品(含保健食品)经营许可"},
	{"食品經營許可", "食品(含保健食品)经营许可"},
	{"shipinjingying", "食品(含保健食品)经营许可"},
	{"spjyxk", "食品(含保健食品)经营许可"},
	{"怎么办理营业执照", "企业设立登记"},
	{"我想开公司需要什么", "企业设立登记"},
	{"低保怎么申请", "最低生活保障对象认定"},
	{"养狗", "犬只登记"},
	{"结婚", "内地居民结婚登记"},
	{"离婚", "内地居民离婚登记"},
	{"社保卡", "社会保障卡申领"},
	{"驾照", "驾驶证换证"},
	{"公积金", "住房公积金提取"},
	{"失业金", "失业保险金申领"},
	{"残疾证", "残疾人证核发"},
	{"无犯罪证明", "无犯罪记录证明开具"},
	{"施工许可证", "建筑工程施工许可证核发"},
	{"建筑工程施工许可", "建筑工程施工许可证核发"},
	{"户口迁移", "户口迁移"},
	{"上户口", "出生登记"},
	{"药店", "药品零售企业许可"},
	{"烟草证", "烟草专卖零售许可证核发"},
	{"网吧", "互联网上网服务营业场所经营单位设立审批"},
	{"居民身份證", "居民身份证办理"},
	{"shenfenzheng", "居民身份证办理"},
	{"budongchan", "不动产首次登记"},
	{"特种设备使用登記", "特种设备使用登记"},
	{"最低生活保证", "最低生活保障对象认定"},
	{"营业执炤", "营业执照补发"},
	{"建筑工程施许可证", "建筑工程施工许可证核发"},
	{"居民身分证", "居民身份证办理"},
	{"犬只登记", "犬只登记"},
	{"婚姻登记", "内地居民婚姻登记"},
	{"不动产登记", "不动产首次登记"},
	{"开餐馆", "开办餐饮店一件事"},
	{"办出生证明", "出生医学证明办理"},
	{"个税怎么申报", "个人所得税汇算清缴"},
	{"退休", "退休一件事"},
	{"盖房子", "乡村建设规划许可证核发"},
	{"卫生许可证", "公共场所卫生许可"},
	{"食品生产许可", "食品生产许可"},
	{"护照", "普通护照签发"},
}

func TestRealNamesEverydayQueries(t *testing.T) {
	t.Parallel()
	es := realEntries(t)
	if len(es) < 300 {
		t.Fatalf("fixture holds %d names, want at least 300", len(es))
	}
	ix := New(es, testAliases())
	for _, tt := range realQueries {
		t.Run(tt.q, func(t *testing.T) {
			t.Parallel()
			res := ix.Search(Query{Q: tt.q, Limit: 5})
			if !slices.Contains(names(res.Entries), tt.want) {
				t.Errorf("%q: first five %q, want %q among them", tt.q, names(res.Entries), tt.want)
			}
		})
	}
}
