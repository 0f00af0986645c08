package workflow

import "strings"

// MaskEmail shows an e-mail address by the first character of its local part
// and its domain (z***@example.cn); a value without @ is hidden whole.
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return maskMiddle(email, 0, 0)
	}
	return string([]rune(local)[:1]) + "***@" + domain
}
