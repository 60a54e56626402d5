package problem

// ValidID reports whether id is a problem number: PRB-YYYY-NNNNNN, e.g. PRB-2026-000042.
func ValidID(id string) bool {
	const prefix = "PRB-"
	if len(id) != len("PRB-2026-000042") || id[:len(prefix)] != prefix || id[8] != '-' {
		return false
	}
	return allDigits(id[4:8]) && allDigits(id[9:])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
