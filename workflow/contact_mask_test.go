package workflow

import "testing"

func TestMasks(t *testing.T) {
	for _, c := range []struct{ got, want string }{
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
