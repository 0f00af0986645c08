package search

import (
	_ "embed"
	"strings"
)

// commonWords seeds the segmenter's dictionary (see words.txt).
//
//go:embed words.txt
var commonWords string

// fillers are the question words and particles of how people ask — 怎么办营业执照,
// 我想开公司需要什么 — dropped from a query before matching.
var fillers = map[string]bool{
	"怎么": true, "怎样": true, "怎么样": true, "如何": true, "办理": true, "需要": true, "什么": true,
	"我想": true, "我要": true, "想要": true, "想": true, "要": true, "哪里": true, "在哪": true, "在哪里": true,
	"哪儿": true, "吗": true, "呢": true, "啊": true, "吧": true, "的": true, "了": true, "去": true, "办": true,
	"请问": true, "可以": true, "能否": true, "能不能": true, "是否": true, "哪些": true, "多少": true, "怎么办": true,
	"流程": true, "手续": true, "材料": true, "我": true, "你": true, "给": true, "在": true, "和": true, "及": true,
	"一下": true, "申请": true, "申办": true, "如何办": true, "办个": true, "有": true, "哪个": true, "部门": true, "该": true, "应该": true, "咋": true, "咋办": true,
}

// dictionaryWords returns the words of words.txt.
func dictionaryWords() []string {
	var out []string
	for line := range strings.SplitSeq(commonWords, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.Fields(line)...)
	}
	return out
}
