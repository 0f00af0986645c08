package workflow

import "testing"

func TestMasks(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{MaskIDNumber("321001199001012119"), "3210**********2119"},
		{MaskIDNumber("91150902MA0N12345X"), "9115**********345X"},
		{MaskIDNumber("123456"), "******"},
		{MaskIDNumber(""), ""},
		{MaskPhone("13912345678"), "139****5678"},
		{MaskPhone("0474-8123456"), "047*****3456"},
		{MaskPhone("8123456"), "*****56"},
		{MaskAddress("集宁区新华街道办事处 1 号"), "集宁区新华街****"},
		{MaskAddress("集宁区"), "***"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
