package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"sync/atomic"
)

// op performs one operation of a workload (one or more requests) for a client.
type op func(ctx context.Context, cl *client) outcome

// workload is a named operation with the baselines it is compared with.
type workload struct {
	name, title string
	op          op
	prepare     func(ctx context.Context) error // fills what op consumes, and replaces its warm-up; may be nil
	baselines   []string                        // names in baselineOps
}

func workloads(e *env) []workload {
	return []workload{
		{"W1", "status lookup", statusOp, nil, []string{"sql-status", "bare"}},
		{"W2", "online filing (JSON)", fileOp, nil, []string{"sql-file", "bare"}},
		{"W3", "filing with a 100 KB PDF", fileWithPDFOp, nil, []string{"sql-file", "bare"}},
		{"W4", "window accept", acceptOp, e.fillPool, []string{"sql-file", "bare"}},
		{"W5", "reviewer work list page", worklistOp, nil, []string{"bare"}},
		{"W6", "catalogue search (Chinese)", searchOp, nil, []string{"bare"}},
		{"W6b", "catalogue search, W6 and everyday words", everydaySearchOp, nil, []string{"bare"}},
		{"W7", "mix 70/15/10/5", mixOp, e.fillPool, []string{"bare"}},
	}
}

// baselineOps are the same-run ceilings served by cmd/owbaseline.
var baselineOps = map[string]op{
	"bare": func(ctx context.Context, cl *client) outcome {
		return cl.get(ctx, cl.env.baseline+"/baseline/bare", "", http.StatusOK)
	},
	"sql-status": func(ctx context.Context, cl *client) outcome {
		s := cl.sample()
		q := url.Values{"number": {s.number}, "code": {s.code}}
		return cl.get(ctx, cl.env.baseline+"/baseline/sql/status?"+q.Encode(), "", http.StatusOK)
	},
	"sql-file": func(ctx context.Context, cl *client) outcome {
		body := fmt.Sprintf(`{"id_number":%q,"name":"张三"}`, cl.identity())
		o, _ := cl.post(ctx, cl.env.baseline+"/baseline/sql/file", "", "application/json", []byte(body), http.StatusCreated)
		return o
	},
}

// searchQueries are what citizens type: item names, fragments, single characters.
var searchQueries = []string{"食品", "营业执照", "建设工程", "户口", "许可", "食", "殡葬", "餐饮", "道路运输",
	"危险化学品", "医疗机构", "卫生许可", "烟草", "出版物", "排污", "林木采伐", "社会团体", "药品", "消防", "施工"}

// everydayQueries are how people ask: everyday words, questions, a typo, traditional
// characters, full pinyin, initials.
var everydayQueries = []string{"低保", "狗证", "开饭店", "开公司", "身份证", "办护照", "怎么办理营业执照",
	"我想开公司需要什么", "食品经营许问", "食品經營許可", "shipinjingying", "spjyxk", "结婚", "社保卡",
	"公积金", "驾照", "上户口", "盖房子", "失业金", "建设工程规划许可"}

// everydaySearchQueries are W6b's: W6's queries and the everyday ones, equally often.
var everydaySearchQueries = append(append([]string{}, searchQueries...), everydayQueries...)

func statusOp(ctx context.Context, cl *client) outcome {
	s := cl.sample()
	return cl.get(ctx, cl.base+"/api/v1/status/"+s.number+"?code="+s.code, "", http.StatusOK)
}

func searchOp(ctx context.Context, cl *client) outcome {
	q := searchQueries[cl.rnd.IntN(len(searchQueries))]
	return cl.get(ctx, cl.base+"/api/v1/items?q="+url.QueryEscape(q), "", http.StatusOK)
}

func everydaySearchOp(ctx context.Context, cl *client) outcome {
	q := everydaySearchQueries[cl.rnd.IntN(len(everydaySearchQueries))]
	return cl.get(ctx, cl.base+"/api/v1/items?q="+url.QueryEscape(q), "", http.StatusOK)
}

func worklistOp(ctx context.Context, cl *client) outcome {
	return cl.get(ctx, cl.base+cl.env.worklistPath, cl.env.reviewerToken, http.StatusOK)
}

// filed is the answer to a filing.
type filed struct {
	Number    string `json:"number"`
	QueryCode string `json:"query_code"`
}

// file files one online application for a random on-application item.
func (cl *client) file(ctx context.Context, item string) (outcome, filed) {
	body, _ := json.Marshal(map[string]any{"item_code": item, "applicant": map[string]string{"kind": "person",
		"name": "张三", "id_number": cl.identity(), "phone": "13800000000"}, "form": cl.env.answers[item]})
	o, resp := cl.post(ctx, cl.base+"/api/v1/applications", "", "application/json", body, http.StatusCreated)
	var f filed
	if o.err == "" {
		if err := json.Unmarshal(resp, &f); err != nil || f.Number == "" {
			o.err = "filing answered without a number"
		}
	}
	return o, f
}

func fileOp(ctx context.Context, cl *client) outcome {
	o, _ := cl.file(ctx, cl.env.items[cl.rnd.IntN(len(cl.env.items))])
	return o
}

// fileWithPDFOp files an application and uploads a 100 KB PDF for one of
// its listed materials with the query code, as the applicant does online.
func fileWithPDFOp(ctx context.Context, cl *client) outcome {
	it := cl.env.withMaterials[cl.rnd.IntN(len(cl.env.withMaterials))]
	o, f := cl.file(ctx, it.code)
	if o.err != "" {
		return o
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("code", f.QueryCode)
	_ = mw.WriteField("material", it.material)
	fw, _ := mw.CreateFormFile("file", "scan.pdf")
	_, _ = fw.Write(cl.env.pdf)
	_ = mw.Close()
	up, _ := cl.post(ctx, cl.base+"/api/v1/applications/"+f.Number+"/materials", "", mw.FormDataContentType(), buf.Bytes(), http.StatusCreated)
	return up
}

// acceptOp accepts one submitted application from the pool as window1. A
// client whose pool ran dry stops: the run then ends early, which the report
// shows as a shorter time, and its throughput stays right.
func acceptOp(ctx context.Context, cl *client) outcome {
	var p pooled
	select {
	case p = <-cl.env.pool:
	default:
		cl.env.poolDry.Store(true)
		return outcome{stop: true}
	}
	o, _ := cl.post(ctx, cl.base+"/api/v1/applications/"+p.number+"/actions/accept", cl.env.windowToken,
		"application/json", cl.env.acceptBodies[p.code], http.StatusOK)
	return o
}

// mixOp is the evening before a deadline: 70% status, 15% search, 10% filing, 5% staff actions.
func mixOp(ctx context.Context, cl *client) outcome {
	switch n := cl.rnd.IntN(100); {
	case n < 70:
		return statusOp(ctx, cl)
	case n < 85:
		return searchOp(ctx, cl)
	case n < 95:
		return fileOp(ctx, cl)
	default:
		return acceptOp(ctx, cl)
	}
}

// fillPool files applications until the pool of submitted ones holds -pool.
func (e *env) fillPool(ctx context.Context) error {
	need := e.poolSize - len(e.pool)
	if need <= 0 {
		return nil
	}
	var left atomic.Int64
	left.Store(int64(need))
	res := drive(ctx, e, "pool", func(ctx context.Context, cl *client) outcome {
		if left.Add(-1) < 0 {
			return outcome{stop: true}
		}
		code := e.items[cl.rnd.IntN(len(e.items))]
		o, f := cl.file(ctx, code)
		if o.err == "" {
			e.pool <- pooled{f.Number, code}
		}
		return o
	}, e.clients, 0)
	if res.Errors > 0 {
		return fmt.Errorf("pool filings: %d errors, first: %s", res.Errors, res.FirstError)
	}
	return nil
}

// identity returns a fresh valid resident ID (GB 11643) for a filing.
func (cl *client) identity() string {
	n := cl.env.seq.Add(1)
	day := 1 + int(n%9000)
	born := fmt.Sprintf("19%02d%02d%02d", 50+day/365%45, 1+day/28%12, 1+day%28)
	body := "110105" + born + fmt.Sprintf("%03d", (n/9000)%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// sample picks a generated application to look up.
func (cl *client) sample() sample { return cl.env.samples[cl.rnd.IntN(len(cl.env.samples))] }

func newRand(i int) *rand.Rand { return rand.New(rand.NewPCG(uint64(i), 0x10ad)) }
