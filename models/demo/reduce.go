package demo

import (
	"math/rand/v2"
	"slices"
	"strings"

	"onewindow/models"
)

// reduceCell marks len(disps) items of one (department, type) cell as reduced. Pinned items
// (the flagship ones named in the sheets), main items and the items others were merged into
// stay retained; a sub-item may be reduced while its main item keeps two others.
func reduceCell(items []models.Item, picked []entry, disps []string, rng *rand.Rand) {
	if len(disps) == 0 {
		return
	}
	subs := map[string]int{} // retained sub-items per main item
	var free []int
	for i, e := range picked {
		if e.main != "" && e.main != e.name {
			subs[e.main]++
		}
		if !e.pinned && (e.main == "" || e.main != e.name) {
			free = append(free, i)
		}
	}
	rng.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	m := merger{items: items, taken: map[int]bool{}}
	// reducible drops the candidates whose main item would keep fewer than two sub-items.
	reducible := func() []int {
		return slices.DeleteFunc(slices.Clone(free), func(i int) bool {
			main := picked[i].main
			return main != "" && subs[main] <= 2
		})
	}
	var others []string
	for _, d := range disps {
		if d != models.DispositionMerged {
			others = append(others, d)
			continue
		}
		i, t := m.bestPair(reducible())
		if i < 0 {
			continue // too few items; the package tests catch the short count
		}
		subs[picked[i].main]--
		it := &items[i]
		it.Disposition, it.MergedInto = d, items[t].Code
		it.DispositionReason = "与“" + items[t].Name + "”内容相近，合并为一个事项实施，减少重复办理"
		it.DispositionBasis = pickOne(rng, mergeBases())
	}
	k := 0
	for _, i := range reducible() {
		if k == len(others) {
			break
		}
		if main := picked[i].main; m.taken[i] || (main != "" && subs[main] <= 2) {
			continue
		}
		subs[picked[i].main]--
		it := &items[i]
		it.Disposition = others[k]
		k++
		if it.Disposition == models.DispositionCancelled {
			it.DispositionReason = pickOne(rng, cancelReasons())
			it.DispositionBasis = pickOne(rng, cancelBases())
			it.CancelOn = cancelOn
		} else {
			it.DispositionReason = pickOne(rng, delegateReasons())
			it.DispositionBasis = pickOne(rng, delegateBases())
		}
	}
}

// merger pairs items to merge with the retained items they are folded into.
type merger struct {
	items []models.Item
	grams [][]uint64   // sorted name bigrams, computed on first use
	taken map[int]bool // merged items and merge targets: neither may be reduced again
}

// bestPair picks, among the first few free candidates, the one whose name is closest to
// another item of the cell that stays retained, preferring a target handled the same way
// (on application or ex officio). It returns the candidate and its target.
func (m *merger) bestPair(free []int) (int, int) {
	if m.grams == nil {
		m.grams = make([][]uint64, len(m.items))
		for j := range m.items {
			m.grams[j] = bigrams(m.items[j].Name)
		}
	}
	bestC, bestT, bestScore, seen := -1, -1, -1, 0
	for _, c := range free {
		if m.taken[c] {
			continue
		}
		if seen++; seen > 16 {
			break
		}
		for t := range m.items {
			if t == c || m.items[t].Reduced() {
				continue
			}
			score := 2 * common(m.grams[c], m.grams[t])
			if m.items[t].OnApplication == m.items[c].OnApplication {
				score++
			}
			if score > bestScore {
				bestC, bestT, bestScore = c, t, score
			}
		}
	}
	if bestC >= 0 {
		m.taken[bestC], m.taken[bestT] = true, true
	}
	return bestC, bestT
}

// bigrams returns the distinct two-character runs of s, packed and sorted.
func bigrams(s string) []uint64 {
	r := []rune(s)
	out := make([]uint64, 0, len(r))
	for i := 0; i+1 < len(r); i++ {
		out = append(out, uint64(r[i])<<32|uint64(r[i+1]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// common counts the values two sorted slices share.
func common(a, b []uint64) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n, i, j = n+1, i+1, j+1
		}
	}
	return n
}

func pickOne(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

func cancelReasons() []string {
	return []string{
		"设定依据已废止，事项予以取消",
		"上位法修订后不再设定该项权力，予以取消",
		"国务院决定取消该事项，区级不再实施",
		"自治区决定取消该事项，区级不再实施",
		"多年未发生实际办理，经评估予以取消",
		"改为告知承诺或者备案管理，不再作为独立事项实施",
		"已由市场机制有效调节，政府不再管理，予以取消",
		"职能已划转上级部门集中实施，区级不再保留",
	}
}

func cancelBases() []string {
	return []string{
		"《国务院关于取消和下放一批行政许可事项的决定》（国发〔2019〕6号）",
		"《国务院关于取消和下放一批行政许可事项的决定》（国发〔2020〕13号）",
		"《国务院关于深化“证照分离”改革进一步激发市场主体发展活力的通知》（国发〔2021〕7号）",
		"《内蒙古自治区人民政府关于取消和调整一批行政权力事项的决定》",
		"《乌兰察布市人民政府关于调整市县两级权责清单事项的通知》",
		"《集宁区人民政府关于公布区级权责清单动态调整结果的通知》",
	}
}

func mergeBases() []string {
	return []string{
		"《集宁区人民政府关于公布区级权责清单动态调整结果的通知》",
		"《内蒙古自治区权责清单编制规范》",
		"《乌兰察布市人民政府关于调整市县两级权责清单事项的通知》",
	}
}

func delegateReasons() []string {
	return []string{
		"下放至乡镇人民政府、街道办事处实施，方便群众就近办理",
		"基层管理迫切需要，交由乡镇人民政府、街道办事处行使",
		"纳入乡镇（街道）综合行政执法事项清单，由乡镇人民政府、街道办事处实施",
	}
}

func delegateBases() []string {
	return []string{
		"《中华人民共和国行政处罚法》第二十四条",
		"《中共中央办公厅 国务院办公厅关于推进基层整合审批服务执法力量的实施意见》",
		"《内蒙古自治区人民政府关于向苏木乡镇（街道）下放部分行政执法权的决定》",
	}
}

// baseName strips a trailing full-width parenthesised qualifier: 食品经营许可（新办） → 食品经营许可.
func baseName(name string) string {
	if strings.HasSuffix(name, "）") {
		if i := strings.LastIndex(name, "（"); i > 0 {
			return name[:i]
		}
	}
	return name
}
