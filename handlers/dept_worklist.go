package handlers

// deptGroupRows marks the work list's joint items whose tasks of several of
// the caller's departments are listed together (the list orders them next
// to each other: one deadline, one application), so that one person takes
// them one after the other; and, after a decision (done), the next row
// that is not the application just decided, which the page focuses.
func deptGroupRows(items []workItemView, done string) {
	for i := 0; i < len(items); {
		j := i + 1
		for j < len(items) && items[j].Number == items[i].Number {
			j++
		}
		if j-i > 1 {
			items[i].GroupSize = j - i
		}
		i = j
	}
	if done == "" {
		return
	}
	for i := range items {
		if items[i].Number != done {
			items[i].Next = true
			return
		}
	}
}
