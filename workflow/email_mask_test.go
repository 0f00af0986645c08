package workflow

import "testing"

func TestMaskEmail(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"zhangsan@example.cn", "z***@example.cn"},
		{"张@example.cn", "张***@example.cn"},
		{"not-an-address", "**************"},
		{"", ""},
	} {
		if got := MaskEmail(c.in); got != c.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
