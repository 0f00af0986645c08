package handlers

// ForgetPages empties the work-list page cache, so that a benchmark can
// measure the page as built from the database.
func (s *Server) ForgetPages() { s.pages.clear() }

// ForgetAnswers empties the kept catalogue answers, so that a benchmark can
// measure a search as computed.
func (s *Server) ForgetAnswers() { s.answers.clear() }
