package form

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// testNow is the day the corpus answers are judged on.
var testNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// corpusNames are the realistic forms under testdata, each with <name>.answers.json.
var corpusNames = []string{"food_licence", "public_hygiene", "birth_registration"}

// corpusCase is one answer: the base answer with members set or removed, and the verdict.
type corpusCase struct {
	Name       string                     `json:"name"`
	Set        map[string]json.RawMessage `json:"set"`
	Remove     []string                   `json:"remove"`
	Accept     bool                       `json:"accept"`
	Issue      string                     `json:"issue"`
	Rule       string                     `json:"rule"`
	ServerOnly string                     `json:"server_only"` // a check JSON Schema cannot express
}

// corpus is a schema's answers file.
type corpus struct {
	Base  map[string]json.RawMessage `json:"base"`
	Cases []corpusCase               `json:"cases"`
}

func loadDicts(t testing.TB) Dicts {
	t.Helper()
	var d Dicts
	readJSON(t, "dicts.json", &d)
	return d
}

func loadSchema(t testing.TB, name string) *Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readJSON(t testing.TB, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// answer builds a case's JSON answer; {"repeat": s, "n": k} stands for s repeated k times.
func (c corpusCase) answer(t testing.TB, base map[string]json.RawMessage) json.RawMessage {
	t.Helper()
	m := maps.Clone(base)
	for k, v := range c.Set {
		var rep struct {
			Repeat *string `json:"repeat"`
			N      int     `json:"n"`
		}
		if bytes.HasPrefix(bytes.TrimSpace(v), []byte("{")) && json.Unmarshal(v, &rep) == nil && rep.Repeat != nil {
			v, _ = json.Marshal(strings.Repeat(*rep.Repeat, rep.N))
		}
		m[k] = v
	}
	for _, k := range c.Remove {
		delete(m, k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// compileJSONSchema compiles an exported schema with format assertions on.
func compileJSONSchema(t testing.TB, doc []byte) *jsonschema.Schema {
	t.Helper()
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("form.json", parsed); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("form.json")
	if err != nil {
		t.Fatalf("compile exported schema: %v\n%s", err, doc)
	}
	return sch
}

// serverVerdict reads and validates an answer the way the API does.
func serverVerdict(t testing.TB, c *Compiled, answer json.RawMessage) Issues {
	t.Helper()
	v, err := FromJSON(c.Schema, answer)
	if err != nil {
		t.Fatalf("FromJSON: %v", err)
	}
	return c.Validate(v, testNow)
}

// TestCorpusServerAndJSONSchemaAgree checks each corpus answer against the server's
// validation and the exported JSON Schema compiled by a maintained validator: both accept
// the same answers and refuse the same ones, except checks a schema cannot express (an
// identity number's check character and birth date), which only the server refuses.
func TestCorpusServerAndJSONSchemaAgree(t *testing.T) {
	t.Parallel()
	dicts := loadDicts(t)
	for _, name := range corpusNames {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := Compile(loadSchema(t, name), dicts)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := c.JSONSchema()
			if err != nil {
				t.Fatal(err)
			}
			sch := compileJSONSchema(t, doc)
			var cp corpus
			readJSON(t, name+".answers.json", &cp)
			for _, tc := range cp.Cases {
				answer := tc.answer(t, cp.Base)
				issues := serverVerdict(t, c, answer)
				if got := len(issues) == 0; got != tc.Accept {
					t.Errorf("%s: server accepted=%v, want %v; issues %v", tc.Name, got, tc.Accept, issues)
				}
				if tc.Issue != "" {
					if is, ok := issues[tc.Issue]; !ok || is.Rule != tc.Rule {
						t.Errorf("%s: issues %v, want %s %s", tc.Name, issues, tc.Issue, tc.Rule)
					}
				}
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(answer))
				if err != nil {
					t.Fatal(err)
				}
				verr := sch.Validate(inst)
				want := tc.Accept || tc.ServerOnly != ""
				if got := verr == nil; got != want {
					t.Errorf("%s: JSON Schema accepted=%v, want %v: %v", tc.Name, got, want, verr)
				}
			}
		})
	}
}
