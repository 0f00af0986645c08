package workflow

// CompleteCreditCode appends the GB 32100 check character to the first 17
// characters of a unified social credit code (for generated demonstration
// and test data; what people type is checked by ValidateCreditCode).
func CompleteCreditCode(body string) string {
	if len(body) != 17 {
		return body
	}
	return body + string(creditCheckChar(body))
}
