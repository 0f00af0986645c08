package search

func intp(n int) *int { return &n }
