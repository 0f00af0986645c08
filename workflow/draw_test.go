package workflow

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// drawFixture builds n entities over four risk strata and m inspectors of two
// departments; inspector 0 avoids the first ten entities.
func drawFixture(n, m int) DrawInput {
	strata := []string{"A", "B", "C", "D"}
	in := DrawInput{Params: DrawParams{Plan: "scj-2026-1", InspectorsPerTask: 2, Departments: []string{"scj"},
		Strata: []DrawStratum{{"A", n / 100}, {"B", n / 50}, {"C", n / 20}, {"D", n / 10}}}}
	for i := range n {
		in.Entities = append(in.Entities, DrawEntity{ID: fmt.Sprintf("E%05d", i), Stratum: strata[i%4]})
	}
	for i := range m {
		d := "scj"
		if i%3 == 0 {
			d = "hbj"
		}
		x := DrawInspector{ID: fmt.Sprintf("I%04d", i), Department: d}
		if i == 0 {
			for j := range 10 {
				x.Avoid = append(x.Avoid, fmt.Sprintf("E%05d", j))
			}
		}
		in.Inspectors = append(in.Inspectors, x)
	}
	return in
}

var testSeed = []byte("0123456789abcdef0123456789abcdef")

func publish(t *testing.T, in DrawInput, seed []byte) PublishedDraw {
	t.Helper()
	tasks, err := Draw(in, seed)
	if err != nil {
		t.Fatal(err)
	}
	n := in.clone()
	n.Normalize()
	return PublishedDraw{Digests: n.Digests(), Commitment: Commitment(seed), Seed: seed, Tasks: tasks}
}

func TestDrawIsDeterministicAndTakesPerStratum(t *testing.T) {
	t.Parallel()
	in := drawFixture(400, 30)
	a, err := Draw(in, testSeed)
	if err != nil {
		t.Fatal(err)
	}
	// The order the lists come in does not matter.
	shuffled := in.clone()
	slices.Reverse(shuffled.Entities)
	slices.Reverse(shuffled.Inspectors)
	b, _ := Draw(shuffled, testSeed)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("the same inputs in another order gave another result")
	}
	count := map[string]int{}
	for _, task := range a {
		count[task.Stratum]++
		if len(task.Inspectors) != 2 || task.Inspectors[0] == task.Inspectors[1] {
			t.Fatalf("task %v: want two different inspectors", task)
		}
		if task.Inspectors[0] == "I0000" || task.Inspectors[1] == "I0000" {
			if task.Entity < "E00010" {
				t.Fatalf("inspector I0000 was assigned %s although it must avoid it", task.Entity)
			}
		}
	}
	for _, s := range in.Params.Strata {
		if count[s.Name] != s.Take {
			t.Errorf("stratum %s: %d tasks, want %d", s.Name, count[s.Name], s.Take)
		}
	}
	c, _ := Draw(in, []byte("another seed"))
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Fatal("another seed gave the same draw")
	}
}

func TestDrawJointPlanTakesOneInspectorOfEachDepartment(t *testing.T) {
	t.Parallel()
	in := drawFixture(200, 12)
	in.Params.Departments = []string{"hbj", "scj"}
	tasks, err := Draw(in, testSeed)
	if err != nil {
		t.Fatal(err)
	}
	dept := map[string]string{}
	for _, x := range in.Inspectors {
		dept[x.ID] = x.Department
	}
	for _, task := range tasks {
		if dept[task.Inspectors[0]] != "hbj" || dept[task.Inspectors[1]] != "scj" {
			t.Fatalf("task %v: want one inspector of hbj and one of scj", task)
		}
	}
}

func TestDrawRefusesBadInput(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*DrawInput){
		"one inspector per task": func(in *DrawInput) { in.Params.InspectorsPerTask = 1 },
		"too many to take":       func(in *DrawInput) { in.Params.Strata[0].Take = 1000 },
		"unknown stratum":        func(in *DrawInput) { in.Entities[0].Stratum = "Z" },
		"repeated entity":        func(in *DrawInput) { in.Entities[1].ID = in.Entities[0].ID },
		"department absent":      func(in *DrawInput) { in.Params.Departments = []string{"xxx"} },
		"everyone avoids": func(in *DrawInput) {
			for i := range in.Inspectors {
				for _, e := range in.Entities {
					in.Inspectors[i].Avoid = append(in.Inspectors[i].Avoid, e.ID)
				}
			}
		},
	} {
		in := drawFixture(100, 6)
		change(&in)
		if _, err := Draw(in, testSeed); !errors.Is(err, ErrDrawInput) {
			t.Errorf("%s: err = %v, want ErrDrawInput", name, err)
		}
	}
}

func TestVerifyDraw(t *testing.T) {
	t.Parallel()
	in := drawFixture(400, 30)
	pub := publish(t, in, testSeed)
	if err := VerifyDraw(in, pub); err != nil {
		t.Fatalf("the published draw does not verify: %v", err)
	}
	tests := []struct {
		name  string
		in    func() DrawInput
		pub   func() PublishedDraw
		check string
	}{
		{"another seed", nil, func() PublishedDraw { p := pub; p.Seed = []byte("guess"); return p }, CheckCommitment},
		{"another seed with its commitment", nil, func() PublishedDraw {
			p := pub
			p.Seed = []byte("other")
			p.Commitment = Commitment(p.Seed)
			return p
		}, CheckResult},
		{"added candidate", func() DrawInput {
			c := in.clone()
			c.Entities = append(c.Entities, DrawEntity{"E99999", "A"})
			return c
		}, nil, CheckEntities},
		{"removed candidate", func() DrawInput { c := in.clone(); c.Entities = c.Entities[1:]; return c }, nil, CheckEntities},
		{"changed stratum", func() DrawInput { c := in.clone(); c.Entities[5].Stratum = "D"; return c }, nil, CheckEntities},
		{"removed inspector", func() DrawInput { c := in.clone(); c.Inspectors = c.Inspectors[1:]; return c }, nil, CheckInspectors},
		{"dropped conflict", func() DrawInput { c := in.clone(); c.Inspectors[0].Avoid = nil; return c }, nil, CheckInspectors},
		{"changed take", func() DrawInput { c := in.clone(); c.Params.Strata[3].Take++; return c }, nil, CheckParams},
		{"changed team size", func() DrawInput { c := in.clone(); c.Params.InspectorsPerTask = 3; return c }, nil, CheckParams},
		{"edited result", nil, func() PublishedDraw {
			p := pub
			p.Tasks = slices.Clone(pub.Tasks)
			p.Tasks[0].Entity = "E00001"
			return p
		}, CheckResult},
		{"swapped inspector", nil, func() PublishedDraw {
			p := pub
			p.Tasks = slices.Clone(pub.Tasks)
			p.Tasks[2] = DrawTask{p.Tasks[2].Entity, p.Tasks[2].Stratum, []string{"I0001", "I0002"}}
			return p
		}, CheckResult},
	}
	for _, tt := range tests {
		i, p := in, pub
		if tt.in != nil {
			i = tt.in()
		}
		if tt.pub != nil {
			p = tt.pub()
		}
		var m *DrawMismatch
		if err := VerifyDraw(i, p); !errors.As(err, &m) || m.Check != tt.check {
			t.Errorf("%s: err = %v, want a mismatch of %s", tt.name, err, tt.check)
		}
	}
}

func TestVerifyCommitmentChecksOnlyWhatIsPublishedBeforeTheDraw(t *testing.T) {
	t.Parallel()
	in := drawFixture(200, 10)
	pub := publish(t, in, testSeed)
	pub.Tasks = nil
	if err := VerifyCommitment(in, pub); err != nil {
		t.Fatalf("the commitment does not verify: %v", err)
	}
	var m *DrawMismatch
	if err := VerifyDraw(in, pub); !errors.As(err, &m) || m.Check != CheckResult {
		t.Fatalf("a draw without its tasks verified: %v", err)
	}
	if m.Got != strconv.Itoa(len(publish(t, in, testSeed).Tasks)) || m.Want != "0" || m.Task != 0 {
		t.Errorf("a draw without its tasks: got %q, want %q, task %d; want the recomputed and published counts", m.Got, m.Want, m.Task)
	}
	pub.Seed = []byte("wrong")
	if err := VerifyCommitment(in, pub); !errors.As(err, &m) || m.Check != CheckCommitment {
		t.Fatalf("a wrong seed: %v", err)
	}
	if m.Got != Commitment([]byte("wrong")) || m.Want != pub.Commitment {
		t.Errorf("a wrong seed: got %q, want %q; want the seed's hash and the published commitment", m.Got, m.Want)
	}
}

func TestVerifyDrawNamesTheTaskThatDiffers(t *testing.T) {
	t.Parallel()
	in := drawFixture(200, 10)
	pub := publish(t, in, testSeed)
	pub.Tasks = slices.Clone(pub.Tasks)
	pub.Tasks[2] = DrawTask{pub.Tasks[2].Entity, pub.Tasks[2].Stratum, []string{"I0001", "I0002"}}
	var m *DrawMismatch
	if err := VerifyDraw(in, pub); !errors.As(err, &m) || m.Task != 3 || m.Want != pub.Tasks[2].Entity+" + I0001 + I0002" || !strings.HasPrefix(m.Got, pub.Tasks[2].Entity+" + ") {
		t.Fatalf("a swapped inspector in task 3: %+v (%v)", m, err)
	}
}

func TestDrawRankIsTheHMACOfLabelAndID(t *testing.T) {
	t.Parallel()
	// HMAC-SHA256(key "key", "entity\x1fA\x1fE1"), computed independently.
	in := DrawInput{Params: DrawParams{Plan: "p", InspectorsPerTask: 2, Strata: []DrawStratum{{"A", 1}}},
		Entities:   []DrawEntity{{"E1", "A"}, {"E2", "A"}},
		Inspectors: []DrawInspector{{ID: "X", Department: "d"}, {ID: "Y", Department: "d"}}}
	tasks, err := Draw(in, []byte("key"))
	if err != nil {
		t.Fatal(err)
	}
	want := "E1"
	if DrawRank([]byte("key"), "entity\x1fA", "E2") < DrawRank([]byte("key"), "entity\x1fA", "E1") {
		want = "E2"
	}
	if tasks[0].Entity != want {
		t.Fatalf("drew %s, the lower HMAC rank is %s", tasks[0].Entity, want)
	}
}

// BenchmarkDraw2000x200 draws from 2,000 entities and 200 inspectors (about 10%
// of the entities become tasks), the size of a department's yearly plan.
func BenchmarkDraw2000x200(b *testing.B) {
	in := drawFixture(2000, 200)
	in.Params.Strata = []DrawStratum{{"A", 10}, {"B", 25}, {"C", 50}, {"D", 115}}
	for b.Loop() {
		if _, err := Draw(in, testSeed); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyDraw2000x200 verifies the same draw: digests plus a redraw.
func BenchmarkVerifyDraw2000x200(b *testing.B) {
	in := drawFixture(2000, 200)
	in.Params.Strata = []DrawStratum{{"A", 10}, {"B", 25}, {"C", 50}, {"D", 115}}
	tasks, _ := Draw(in, testSeed)
	n := in.clone()
	n.Normalize()
	pub := PublishedDraw{Digests: n.Digests(), Commitment: Commitment(testSeed), Seed: testSeed, Tasks: tasks}
	for b.Loop() {
		if err := VerifyDraw(in, pub); err != nil {
			b.Fatal(err)
		}
	}
}
