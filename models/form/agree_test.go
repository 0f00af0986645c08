package form

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// valuePool holds JSON values of every shape a field might be sent; identity numbers in it
// are valid or fail the exported pattern, so both validators can judge them.
var valuePool = []string{
	`""`, `" "`, `"x"`, `"甲"`, `"hot"`, `"cold"`, `"own"`, `"third_party"`, `"pool"`, `"bath"`, `"male"`,
	`"sibling"`, `"true"`, `true`, `false`, `null`, `0`, `1`, `5`, `-1`, `12.345`, `1e2`, `4.99`, `300`,
	`[]`, `["hot"]`, `["cold","hot"]`, `["hot","hot"]`, `[1]`, `{}`, `"2026-01-01"`, `"2026-02-30"`,
	`"13904741234"`, `"0474-8123456"`, `"https://a.example.com"`, `"R150123456"`, `"a@b.cn"`, `"a@b"`,
	`"91150902MA0N3K7T1C"`, `"150902198506121231"`, `"1509021985061212"`, `"集宁区新华街18号"`,
	`[{"name":"甲","relation":"sibling"}]`, `[{"name":"甲"}]`, `[{"name":"甲","relation":"sibling","lives_here":true}]`,
	`[{"name":"甲","relation":"sibling","age":"3"}]`, `[{"name":1}]`, `["甲"]`,
}

// TestRandomAnswersServerAndJSONSchemaAgree changes one to four members of each corpus base
// answer to random values, thousands of times, and checks that the server and the exported
// JSON Schema give the same verdict.
func TestRandomAnswersServerAndJSONSchemaAgree(t *testing.T) {
	t.Parallel()
	dicts := loadDicts(t)
	for _, name := range corpusNames {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := Compile(loadSchema(t, name), dicts)
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := c.JSONSchema()
			sch := compileJSONSchema(t, doc)
			var cp corpus
			readJSON(t, name+".answers.json", &cp)
			keys := []string{"extra"}
			for _, f := range c.Schema.Fields {
				keys = append(keys, f.Key)
			}
			rng := rand.New(rand.NewPCG(15, uint64(len(name))))
			accepted := 0
			for range 3000 {
				m := maps.Clone(cp.Base)
				for range 1 + rng.IntN(4) {
					k := keys[rng.IntN(len(keys))]
					if rng.IntN(5) == 0 {
						delete(m, k)
					} else {
						m[k] = json.RawMessage(valuePool[rng.IntN(len(valuePool))])
					}
				}
				answer, _ := json.Marshal(m)
				issues := serverVerdict(t, c, answer)
				inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(answer))
				verr := sch.Validate(inst)
				if (len(issues) == 0) != (verr == nil) {
					t.Fatalf("disagree on %s\nserver: %v\nJSON Schema: %v", answer, issues, verr)
				}
				if len(issues) == 0 {
					accepted++
				}
			}
			t.Logf("%d of 3000 random answers accepted by both", accepted)
			if accepted == 0 {
				t.Error("no random answer was accepted; the test judges nothing")
			}
		})
	}
}
