package models

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
)

// An Idempotency-Key row lets a retried filing get its first answer again, query code
// included, for a day. The table must not hand out query codes to whoever reads the
// database: the key is stored as a hash, and the query code sealed with a keystream that
// only the client's own key yields (HMAC-SHA256 of the key), so the code can be given back
// to the one who sends the key again and to nobody else.

// lookup is the stored form of the key: SHA-256 of the scope and the key.
func (i *Idempotency) lookup() string {
	h := sha256.Sum256([]byte(i.Scope + "\x00" + i.Key))
	return hex.EncodeToString(h[:])
}

// keystream is the bytes a query code is sealed with.
func (i *Idempotency) keystream() []byte {
	m := hmac.New(sha256.New, []byte(i.Key))
	m.Write([]byte("onewindow query code\x00" + i.Scope))
	return m.Sum(nil)
}

// seal hides a query code for the key's row ("" stays "").
func (i *Idempotency) seal(code string) string {
	if code == "" || len(code) > sha256.Size {
		return ""
	}
	ks, b := i.keystream(), []byte(code)
	for j := range b {
		b[j] ^= ks[j]
	}
	return hex.EncodeToString(b)
}

// open recovers a sealed query code; a value that is not sealed gives "".
func (i *Idempotency) open(sealed string) string {
	b, err := hex.DecodeString(sealed)
	if err != nil || len(b) > sha256.Size {
		return ""
	}
	ks := i.keystream()
	for j := range b {
		b[j] ^= ks[j]
	}
	return string(b)
}

// recordedFiling returns the number and query code a filing with the same key recorded
// ("" when none did); the same key with another request is ErrIdempotencyMismatch.
func recordedFiling(st *stmtTx, idem *Idempotency) (number, code string, err error) {
	var request, sealed string
	err = st.row(`SELECT request, number, query_code FROM idempotency_keys WHERE scope = ? AND key = ?`, idem.Scope, idem.lookup()).
		Scan(&request, &number, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	if request != idem.Request {
		return "", "", ErrIdempotencyMismatch
	}
	return number, idem.open(sealed), nil
}
