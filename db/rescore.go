package db

// DueCodes keeps the credit codes of a RescoreCandidates page that are due.
func DueCodes(page []RescoreCandidatesRow) []string {
	var codes []string
	for _, r := range page {
		if r.Due {
			codes = append(codes, r.CreditCode)
		}
	}
	return codes
}
