package search

const retained = "retained"

// Entry flags, precomputed so that filters compare bits rather than strings.
const (
	flagRetained uint8 = 1 << iota
	flagOnApplication
	flagJoint
	flagService // one applies for it: on application, or a public service (type 20)
	flagSub     // a sub-item (子项) of another main item
)

// publicService is the type code of 公共服务, which the citizen's search always covers.
const publicService = "20"

func entryFlags(e *Entry, f *folder) uint8 {
	var fl uint8
	if e.Disposition == retained {
		fl |= flagRetained
	}
	if e.OnApplication {
		fl |= flagOnApplication
	}
	if e.Joint {
		fl |= flagJoint
	}
	if e.OnApplication || e.TypeCode == publicService {
		fl |= flagService
	}
	if e.MainName != "" && f.fold(e.MainName) != f.fold(e.Name) {
		fl |= flagSub
	}
	return fl
}

// filter is a Query's non-text conditions: an entry passes when its flags masked by
// mask equal want and its department and type match.
type filter struct {
	dept, typ  string
	mask, want uint8
}

// newFilter reads q's conditions. The services scope narrows text searches only: a
// listing by department or type is the published list, and a search that names a type
// asks for that type.
func newFilter(q Query, text bool) filter {
	f := filter{dept: q.Department, typ: q.Type}
	switch q.Status {
	case "all":
	case "reduced":
		f.mask |= flagRetained
	default:
		f.mask |= flagRetained
		f.want |= flagRetained
	}
	if text && q.Type == "" && q.Scope != ScopeAll {
		f.mask |= flagService
		f.want |= flagService
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
