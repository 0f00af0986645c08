package search

const retained = "retained"

// Entry flags, precomputed so that filters compare bits rather than strings.
const (
	flagRetained uint8 = 1 << iota
	flagOnApplication
	flagJoint
)

func entryFlags(e *Entry) uint8 {
	var f uint8
	if e.Disposition == retained {
		f |= flagRetained
	}
	if e.OnApplication {
		f |= flagOnApplication
	}
	if e.Joint {
		f |= flagJoint
	}
	return f
}

// filter is a Query's non-text conditions: an entry passes when its flags masked by
// mask equal want and its department and type match.
type filter struct {
	dept, typ  string
	mask, want uint8
}

func newFilter(q Query) filter {
	f := filter{dept: q.Department, typ: q.Type}
	switch q.Status {
	case "all":
	case "reduced":
		f.mask |= flagRetained
	default:
		f.mask |= flagRetained
		f.want |= flagRetained
	}
	for _, c := range []struct {
		b    *bool
		flag uint8
	}{{q.OnApplication, flagOnApplication}, {q.Joint, flagJoint}} {
		if c.b != nil {
			f.mask |= c.flag
			if *c.b {
				f.want |= c.flag
			}
		}
	}
	return f
}

func (f *filter) ok(ix *Index, i int32) bool {
	return ix.flags[i]&f.mask == f.want &&
		(f.dept == "" || ix.entries[i].DepartmentCode == f.dept) &&
		(f.typ == "" || ix.entries[i].TypeCode == f.typ)
}
