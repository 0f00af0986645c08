package workflow

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// 双随机一公开: the draw of a random inspection plan. The department freezes
// its candidate lists and parameters, publishes their SHA-256 and the
// commitment SHA-256(seed) of a secret seed, draws, and then publishes the
// seed. Draw is a pure function of the frozen inputs and the seed, so anyone
// holding the published lists recomputes it (VerifyDraw).
//
// Ranking: every candidate gets HMAC-SHA256(key = seed, message = label ‖ 0x1F ‖ id);
// the lowest values win (bytes compared as big-endian numbers, ties by id).
// Entities are ranked per stratum with the label "entity" ‖ 0x1F ‖ stratum and the
// lowest Take of each stratum become tasks, in stratum order then rank. For each task
// the inspectors are ranked with the label "inspector" ‖ 0x1F ‖ entity id; an inspector
// whose avoidance list names the entity is passed over; first the best-ranked inspector
// of each department of Params.Departments (in that order) is taken, then the
// best-ranked remaining ones up to InspectorsPerTask.

// MinInspectorsPerTask is the least number of inspectors of one inspection task.
const MinInspectorsPerTask = 2

// DrawStratum is one stratum (a risk level) of the entity list and how many of it are drawn.
type DrawStratum struct {
	Name string `json:"name"`
	Take int    `json:"take"`
}

// DrawParams are the published parameters of a draw.
type DrawParams struct {
	Plan              string        `json:"plan"`                // the plan's public identifier
	Strata            []DrawStratum `json:"strata"`              // in the order tasks are listed
	InspectorsPerTask int           `json:"inspectors_per_task"` // at least MinInspectorsPerTask
	Departments       []string      `json:"departments"`         // one inspector of each on every task (joint plans)
}

// DrawEntity is one candidate entity of the frozen list.
type DrawEntity struct {
	ID      string `json:"id"` // the unified social credit code
	Stratum string `json:"stratum"`
}

// DrawInspector is one candidate inspector of the frozen list.
type DrawInspector struct {
	ID         string   `json:"id"` // the 执法证号
	Department string   `json:"department"`
	Avoid      []string `json:"avoid,omitempty"` // entity ids the inspector may not inspect (conflicts of interest)
}

// DrawInput is everything a draw depends on except the seed.
type DrawInput struct {
	Params     DrawParams      `json:"params"`
	Entities   []DrawEntity    `json:"entities"`
	Inspectors []DrawInspector `json:"inspectors"`
}

// DrawTask is one drawn inspection: an entity and its inspectors.
type DrawTask struct {
	Entity     string   `json:"entity"`
	Stratum    string   `json:"stratum"`
	Inspectors []string `json:"inspectors"`
}

// DrawDigests are the hex SHA-256 digests published before the draw.
type DrawDigests struct {
	Params     string `json:"params_sha256"`
	Entities   string `json:"entities_sha256"`
	Inspectors string `json:"inspectors_sha256"`
	Inputs     string `json:"inputs_sha256"` // over the three above
}

// ErrDrawInput is a draw whose inputs cannot give a fair result.
var ErrDrawInput = errors.New("draw input is not valid")

// Normalize sorts the lists the way they are frozen: entities and inspectors by id,
// each avoidance list by id. The order given does not change the draw.
func (in *DrawInput) Normalize() {
	slices.SortFunc(in.Entities, func(a, b DrawEntity) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(in.Inspectors, func(a, b DrawInspector) int { return strings.Compare(a.ID, b.ID) })
	for i := range in.Inspectors {
		slices.Sort(in.Inspectors[i].Avoid)
	}
}

// Validate checks the inputs: ids unique and non-empty, strata known, enough
// candidates and inspectors.
func (in DrawInput) Validate() error {
	p := in.Params
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrDrawInput, fmt.Sprintf(format, a...))
	}
	if p.InspectorsPerTask < MinInspectorsPerTask {
		return fail("at least %d inspectors per task", MinInspectorsPerTask)
	}
	if len(p.Departments) > p.InspectorsPerTask {
		return fail("%d departments need at least as many inspectors per task", len(p.Departments))
	}
	strata := map[string]int{}
	for _, s := range p.Strata {
		if _, dup := strata[s.Name]; dup || s.Take < 0 {
			return fail("stratum %q repeated or negative", s.Name)
		}
		strata[s.Name] = 0
	}
	seen := map[string]bool{}
	for _, e := range in.Entities {
		if e.ID == "" || seen[e.ID] {
			return fail("entity %q empty or repeated", e.ID)
		}
		seen[e.ID] = true
		if _, ok := strata[e.Stratum]; !ok {
			return fail("entity %s is in unknown stratum %q", e.ID, e.Stratum)
		}
		strata[e.Stratum]++
	}
	for _, s := range p.Strata {
		if s.Take > strata[s.Name] {
			return fail("stratum %q has %d candidates, fewer than %d to draw", s.Name, strata[s.Name], s.Take)
		}
	}
	depts := map[string]int{}
	ins := map[string]bool{}
	for _, x := range in.Inspectors {
		if x.ID == "" || ins[x.ID] {
			return fail("inspector %q empty or repeated", x.ID)
		}
		ins[x.ID] = true
		depts[x.Department]++
	}
	if len(in.Inspectors) < p.InspectorsPerTask {
		return fail("%d inspectors, fewer than %d per task", len(in.Inspectors), p.InspectorsPerTask)
	}
	for _, d := range p.Departments {
		if depts[d] == 0 {
			return fail("no inspector of department %s", d)
		}
	}
	return nil
}

// Digests returns the SHA-256 digests of the normalized inputs. Each list is
// hashed as lines of tab-separated fields (see the canonical* functions), so
// that the published lists can be hashed again by any tool.
func (in DrawInput) Digests() DrawDigests {
	d := DrawDigests{
		Params:     sha256Hex(CanonicalParams(in.Params)),
		Entities:   sha256Hex(CanonicalEntities(in.Entities)),
		Inspectors: sha256Hex(CanonicalInspectors(in.Inspectors)),
	}
	d.Inputs = sha256Hex("params " + d.Params + "\nentities " + d.Entities + "\ninspectors " + d.Inspectors + "\n")
	return d
}

// CanonicalParams is the text the parameters' digest covers.
func CanonicalParams(p DrawParams) string {
	var b strings.Builder
	b.WriteString("plan\t" + p.Plan + "\n")
	b.WriteString("inspectors_per_task\t" + strconv.Itoa(p.InspectorsPerTask) + "\n")
	b.WriteString("departments\t" + strings.Join(p.Departments, ",") + "\n")
	for _, s := range p.Strata {
		b.WriteString("stratum\t" + s.Name + "\t" + strconv.Itoa(s.Take) + "\n")
	}
	return b.String()
}

// CanonicalEntities is the text the entity list's digest covers: one line "id TAB stratum" each.
func CanonicalEntities(es []DrawEntity) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.ID + "\t" + e.Stratum + "\n")
	}
	return b.String()
}

// CanonicalInspectors is the text the inspector list's digest covers: one line
// "id TAB department TAB avoided ids joined by commas" each.
func CanonicalInspectors(xs []DrawInspector) string {
	var b strings.Builder
	for _, x := range xs {
		b.WriteString(x.ID + "\t" + x.Department + "\t" + strings.Join(x.Avoid, ",") + "\n")
	}
	return b.String()
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Commitment is the published commitment to a seed: hex SHA-256 of its bytes.
func Commitment(seed []byte) string {
	sum := sha256.Sum256(seed)
	return hex.EncodeToString(sum[:])
}

// ranked is a candidate with its HMAC rank.
type ranked struct {
	rank [sha256.Size]byte
	idx  int
	id   string
}

// rank orders ids by HMAC-SHA256(seed, label ‖ 0x1F ‖ id), lowest first.
func rank(mac func(label, id string) [sha256.Size]byte, label string, ids []string, idx []int) []ranked {
	out := make([]ranked, len(ids))
	for i, id := range ids {
		out[i] = ranked{rank: mac(label, id), idx: idx[i], id: id}
	}
	slices.SortFunc(out, func(a, b ranked) int {
		if c := bytes.Compare(a.rank[:], b.rank[:]); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out
}

// DrawRank is the rank of id under label: hex HMAC-SHA256(seed, label ‖ 0x1F ‖ id).
// The public page shows it for every drawn entity.
func DrawRank(seed []byte, label, id string) string {
	m := hmac.New(sha256.New, seed)
	m.Write([]byte(label + "\x1f" + id))
	return hex.EncodeToString(m.Sum(nil))
}

// Draw draws the tasks of a plan. The input is normalized first; it must be
// valid (Validate) and the seed non-empty.
func Draw(in DrawInput, seed []byte) ([]DrawTask, error) {
	in = in.clone()
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if len(seed) == 0 {
		return nil, fmt.Errorf("%w: empty seed", ErrDrawInput)
	}
	m := hmac.New(sha256.New, seed)
	var buf []byte
	mac := func(label, id string) [sha256.Size]byte {
		m.Reset()
		buf = append(append(append(buf[:0], label...), 0x1f), id...)
		m.Write(buf)
		var out [sha256.Size]byte
		m.Sum(out[:0])
		return out
	}
	byStratum := map[string][]int{}
	for i, e := range in.Entities {
		byStratum[e.Stratum] = append(byStratum[e.Stratum], i)
	}
	insIDs := make([]string, len(in.Inspectors))
	insIdx := make([]int, len(in.Inspectors))
	for i, x := range in.Inspectors {
		insIDs[i], insIdx[i] = x.ID, i
	}
	var tasks []DrawTask
	for _, s := range in.Params.Strata {
		idx := byStratum[s.Name]
		ids := make([]string, len(idx))
		for i, j := range idx {
			ids[i] = in.Entities[j].ID
		}
		for _, r := range rank(mac, "entity\x1f"+s.Name, ids, idx)[:s.Take] {
			team, err := assign(in, mac, r.id, insIDs, insIdx)
			if err != nil {
				return nil, err
			}
			tasks = append(tasks, DrawTask{Entity: r.id, Stratum: s.Name, Inspectors: team})
		}
	}
	return tasks, nil
}

// assign picks the inspectors of one entity's task.
func assign(in DrawInput, mac func(label, id string) [sha256.Size]byte, entity string, ids []string, idx []int) ([]string, error) {
	order := rank(mac, "inspector\x1f"+entity, ids, idx)
	taken := make([]bool, len(order))
	var team []string
	eligible := func(k int) bool {
		_, avoid := slices.BinarySearch(in.Inspectors[order[k].idx].Avoid, entity)
		return !taken[k] && !avoid
	}
	for _, d := range in.Params.Departments {
		found := false
		for k := range order {
			if eligible(k) && in.Inspectors[order[k].idx].Department == d {
				taken[k], found = true, true
				team = append(team, order[k].id)
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: no inspector of %s may inspect %s", ErrDrawInput, d, entity)
		}
	}
	for k := range order {
		if len(team) == in.Params.InspectorsPerTask {
			break
		}
		if eligible(k) {
			taken[k] = true
			team = append(team, order[k].id)
		}
	}
	if len(team) < in.Params.InspectorsPerTask {
		return nil, fmt.Errorf("%w: too few inspectors may inspect %s", ErrDrawInput, entity)
	}
	return team, nil
}

func (in DrawInput) clone() DrawInput {
	out := DrawInput{Params: in.Params, Entities: slices.Clone(in.Entities), Inspectors: slices.Clone(in.Inspectors)}
	out.Params.Strata = slices.Clone(in.Params.Strata)
	out.Params.Departments = slices.Clone(in.Params.Departments)
	for i := range out.Inspectors {
		out.Inspectors[i].Avoid = slices.Clone(out.Inspectors[i].Avoid)
	}
	return out
}

// DrawMismatch says why a published draw does not recompute.
type DrawMismatch struct {
	Check  string // commitment, params, entities, inspectors, inputs, result
	Reason string // in English, for logs, the API and the command line
	// Got and Want are the recomputed and the published value (a digest, a
	// count of tasks, or a task's entity and inspectors), and Task the
	// 1-based task they belong to (0 when none), so that a page can say
	// the same in its own language.
	Got, Want string
	Task      int
}

func (m *DrawMismatch) Error() string { return "draw does not verify: " + m.Check + ": " + m.Reason }

// Mismatch checks names, in the order VerifyDraw runs them.
const (
	CheckCommitment = "commitment"
	CheckParams     = "params"
	CheckEntities   = "entities"
	CheckInspectors = "inspectors"
	CheckInputs     = "inputs"
	CheckResult     = "result"
)

// PublishedDraw is what a plan publishes: the digests and commitment before
// the draw, the seed and the tasks after it.
type PublishedDraw struct {
	Digests    DrawDigests
	Commitment string
	Seed       []byte
	Tasks      []DrawTask
}

// VerifyDraw recomputes a published draw from the published inputs. It
// returns nil when the seed matches the commitment, the inputs match the
// digests published before the draw, and the draw gives exactly the
// published tasks; otherwise a *DrawMismatch naming the first failed check.
func VerifyDraw(in DrawInput, pub PublishedDraw) error {
	in = in.clone()
	in.Normalize()
	if err := verifyInputs(in, pub); err != nil {
		return err
	}
	return verifyTasks(in, pub)
}

// VerifyCommitment checks what a plan publishes before its draw: the seed
// hashes to the commitment and the inputs to their digests. It is the part
// of VerifyDraw that can be checked before the result is published.
func VerifyCommitment(in DrawInput, pub PublishedDraw) error {
	in = in.clone()
	in.Normalize()
	return verifyInputs(in, pub)
}

// verifyInputs checks the commitment and the digests of normalized inputs.
func verifyInputs(in DrawInput, pub PublishedDraw) error {
	if Commitment(pub.Seed) != strings.ToLower(pub.Commitment) {
		return &DrawMismatch{Check: CheckCommitment, Got: Commitment(pub.Seed), Want: pub.Commitment,
			Reason: "SHA-256 of the seed is " + Commitment(pub.Seed) + ", the commitment published before the draw is " + pub.Commitment}
	}
	got := in.Digests()
	for _, c := range []struct{ check, got, want string }{
		{CheckParams, got.Params, pub.Digests.Params},
		{CheckEntities, got.Entities, pub.Digests.Entities},
		{CheckInspectors, got.Inspectors, pub.Digests.Inspectors},
		{CheckInputs, got.Inputs, pub.Digests.Inputs},
	} {
		if c.got != c.want {
			return &DrawMismatch{Check: c.check, Got: c.got, Want: c.want,
				Reason: "the list hashes to " + c.got + ", the digest published before the draw is " + c.want}
		}
	}
	return nil
}

// verifyTasks redraws normalized inputs and compares the published tasks.
func verifyTasks(in DrawInput, pub PublishedDraw) error {
	tasks, err := Draw(in, pub.Seed)
	if err != nil {
		return &DrawMismatch{Check: CheckResult, Reason: err.Error()}
	}
	if len(tasks) != len(pub.Tasks) {
		return &DrawMismatch{Check: CheckResult, Got: strconv.Itoa(len(tasks)), Want: strconv.Itoa(len(pub.Tasks)),
			Reason: fmt.Sprintf("the draw gives %d tasks, %d were published", len(tasks), len(pub.Tasks))}
	}
	for i, t := range tasks {
		p := pub.Tasks[i]
		if t.Entity != p.Entity || t.Stratum != p.Stratum || !slices.Equal(t.Inspectors, p.Inspectors) {
			got, want := t.Entity+" + "+strings.Join(t.Inspectors, " + "), p.Entity+" + "+strings.Join(p.Inspectors, " + ")
			return &DrawMismatch{Check: CheckResult, Got: got, Want: want, Task: i + 1,
				Reason: fmt.Sprintf("task %d: the draw gives %s with %s, the published result says %s with %s",
					i+1, t.Entity, strings.Join(t.Inspectors, "+"), p.Entity, strings.Join(p.Inspectors, "+"))}
		}
	}
	return nil
}
