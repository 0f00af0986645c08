package handlers

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"onewindow/models"
)

// The password policy of a 等保 level-3 system: at least 10 characters, three of the four
// kinds (lower case, upper case, digits, symbols), not the username, not a common
// password, and none of the account's last five. It applies wherever a person sets a
// password: the account pages, the API and the onewindow command.
const minPasswordRunes = 10

// commonPasswords are passwords tried first by anyone guessing (compared without case, and
// as the start of the password followed only by digits or symbols).
var commonPasswords = []string{"password", "passw0rd", "p@ssw0rd", "p@ssword", "qwerty", "qwertyuiop", "asdfghjkl",
	"1qaz2wsx", "1q2w3e4r", "abc123", "abcd1234", "admin", "administrator", "welcome", "letmein", "iloveyou",
	"zaq12wsx", "qazwsx", "woaini", "changeme", "demo1234", "test1234", "root", "huawei", "china", "beijing"}

// passwordRules names each reason CheckPassword and HashNewPassword give, for the pages
// that tell the user which rule a new password broke.
var passwordRules = map[string]string{
	"must be at least 10 characters": "short", "must be at most 72 bytes": "long",
	"must mix three of: lower-case letters, upper-case letters, digits, symbols": "kinds",
	"must not contain the username":                                              "username", "is a common password": "common",
	"must differ from the last 5 passwords": "history",
}

// CheckPassword returns why a new password is refused for username, or "".
func CheckPassword(pw, username string) string {
	if utf8.RuneCountInString(pw) < minPasswordRunes {
		return "must be at least 10 characters"
	}
	if len(pw) > 72 {
		return "must be at most 72 bytes"
	}
	var lower, upper, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	kinds := 0
	for _, k := range []bool{lower, upper, digit, symbol} {
		if k {
			kinds++
		}
	}
	if kinds < 3 {
		return "must mix three of: lower-case letters, upper-case letters, digits, symbols"
	}
	low := strings.ToLower(pw)
	if u := strings.ToLower(strings.TrimSpace(username)); u != "" && strings.Contains(low, u) {
		return "must not contain the username"
	}
	for _, c := range commonPasswords {
		if rest, ok := strings.CutPrefix(low, c); ok && strings.IndexFunc(rest, unicode.IsLetter) < 0 {
			return "is a common password"
		}
	}
	return ""
}

// hashNewPassword checks a new password for the account (userID 0 for a new one) against
// the policy and its recent passwords (models.PasswordHistory of them), and hashes it. A refusal is a field error on
// "password".
func (s *Server) hashNewPassword(ctx context.Context, pw, username string, userID uint) (string, error) {
	return HashNewPassword(ctx, s.store, pw, username, userID)
}

// HashNewPassword is hashNewPassword for the onewindow command.
func HashNewPassword(ctx context.Context, store *models.Store, pw, username string, userID uint) (string, error) {
	if msg := CheckPassword(pw, username); msg != "" {
		return "", invalid(map[string]string{"password": msg})
	}
	if userID != 0 {
		recent, err := store.RecentPasswordHashes(ctx, userID)
		if err != nil {
			return "", err
		}
		for _, h := range recent {
			if bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)) == nil {
				return "", invalid(map[string]string{"password": "must differ from the last 5 passwords"})
			}
		}
	}
	return HashPassword(pw)
}
