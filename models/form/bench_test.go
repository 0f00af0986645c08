package form

import (
	"encoding/json"
	"fmt"
	"testing"
)

// twentyFields is the food licence form with three more text fields: 20 fields.
func twentyFields(b *testing.B) (*Compiled, json.RawMessage) {
	s := loadSchema(b, "food_licence")
	for i := len(s.Fields); i < 20; i++ {
		s.Fields = append(s.Fields, Field{Key: fmt.Sprintf("extra_%d", i), Label: Text{Zh: "补充"},
			Type: TypeText, Pattern: `[0-9A-Za-z\p{Han}]+`})
	}
	c, err := Compile(s, loadDicts(b))
	if err != nil {
		b.Fatal(err)
	}
	answer := map[string]any{
		"operator_name": "集宁区好味道餐饮有限公司", "credit_code": "91150902MA0N3K7T1C", "legal_rep": "张三",
		"legal_rep_id": "150902198506121231", "phone": "13904741234", "email": "zhang.san@example.com",
		"premises": "集宁区新华街18号一层", "business_form": "catering", "business_items": []string{"hot", "cold"},
		"cold_room_area": 12, "area": 120.5, "online": true, "website": "https://haoweidao.example.com",
		"platform": "third_party", "platform_name": "美团外卖", "remarks": "早餐店", "declaration": true,
		"extra_17": "补充说明一", "extra_18": "补充说明二", "extra_19": "补充说明三",
	}
	raw, _ := json.Marshal(answer)
	if is := serverVerdict(b, c, raw); len(is) > 0 {
		b.Fatalf("benchmark answer refused: %v", is)
	}
	return c, raw
}

// BenchmarkValidate20Fields reads and validates a full 20-field answer with a compiled form.
func BenchmarkValidate20Fields(b *testing.B) {
	c, raw := twentyFields(b)
	b.ReportAllocs()
	for b.Loop() {
		v, err := FromJSON(c.Schema, raw)
		if err != nil {
			b.Fatal(err)
		}
		if is := c.Validate(v, testNow); len(is) > 0 {
			b.Fatal(is)
		}
	}
}

// BenchmarkValidateEmpty is the same with an empty form, the baseline of filing.
func BenchmarkValidateEmpty(b *testing.B) {
	c, err := Compile(&Schema{Version: 1}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, _ := FromJSON(c.Schema, nil)
		if is := c.Validate(v, testNow); len(is) > 0 {
			b.Fatal(is)
		}
	}
}

// BenchmarkCompile20Fields is the once-per-schema cost Compiled saves.
func BenchmarkCompile20Fields(b *testing.B) {
	c, _ := twentyFields(b)
	dicts := loadDicts(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(c.Schema, dicts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONSchema20Fields exports the JSON Schema of a 20-field form.
func BenchmarkJSONSchema20Fields(b *testing.B) {
	c, _ := twentyFields(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.JSONSchema(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateOnly20Fields validates an already read 20-field answer.
func BenchmarkValidateOnly20Fields(b *testing.B) {
	c, raw := twentyFields(b)
	v, err := FromJSON(c.Schema, raw)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if is := c.Validate(v, testNow); len(is) > 0 {
			b.Fatal(is)
		}
	}
}
