package models

import (
	"testing"
	"time"
)

func TestTransferConvertsSQLiteValuesToTheTargetsTypes(t *testing.T) {
	at := time.Date(2026, 12, 7, 23, 51, 24, 476050016, time.UTC)
	for _, c := range []struct {
		in     any
		pgType string
		want   any
	}{
		{int64(1), "boolean", true},
		{int64(0), "boolean", false},
		{"1", "boolean", true},
		{at, "timestamp with time zone", at},
		{at.In(time.FixedZone("CST", 8*3600)), "timestamp with time zone", at},
		{"2026-12-07 23:51:24.476050016+00:00", "timestamp with time zone", at},
		{"2026-12-07T23:51:24.476050016Z", "timestamp with time zone", at},
		{"2026-12-07 23:51:24", "timestamp with time zone", at.Truncate(time.Second)},
		{int64(1796687484), "timestamp with time zone", time.Unix(1796687484, 0).UTC()},
		{"2026-12-07", "text", "2026-12-07"},
		{int64(42), "text", "42"},
		{[]byte("{}"), "jsonb", "{}"},
		{[]byte{0, 1, 2}, "bytea", []byte{0, 1, 2}},
		{"x", "bytea", []byte("x")},
		{int64(7), "bigint", int64(7)},
		{"7", "bigint", int64(7)},
		{int64(3), "real", float64(3)},
		{nil, "boolean", nil},
	} {
		got, err := convertForPostgres(c.in, c.pgType)
		if err != nil {
			t.Errorf("%v (%T) → %s: %v", c.in, c.in, c.pgType, err)
			continue
		}
		switch w := c.want.(type) {
		case time.Time:
			if g, ok := got.(time.Time); !ok || !g.Equal(w) || g.Location() != time.UTC {
				t.Errorf("%v → %s: %v, want %v", c.in, c.pgType, got, w)
			}
		case []byte:
			if g, ok := got.([]byte); !ok || string(g) != string(w) {
				t.Errorf("%v → %s: %v, want %v", c.in, c.pgType, got, w)
			}
		default:
			if got != c.want {
				t.Errorf("%v (%T) → %s: %v (%T), want %v", c.in, c.in, c.pgType, got, got, c.want)
			}
		}
	}
	for _, c := range []struct {
		in     any
		pgType string
	}{
		{"yes please", "boolean"},
		{"", "timestamp with time zone"},
		{"soon", "timestamp with time zone"},
		{1.5, "bigint"},
		{"x", "inet"},
	} {
		if got, err := convertForPostgres(c.in, c.pgType); err == nil {
			t.Errorf("%v → %s: %v, want an error", c.in, c.pgType, got)
		}
	}
}
