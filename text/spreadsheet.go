package text

import "regexp"

// plainNumber is a decimal a spreadsheet reads as a number, never as a formula.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// SpreadsheetCell is s as written into an exported spreadsheet cell (CSV): a cell a spreadsheet
// would evaluate as a formula, one starting with =, +, -, @, a tab or a carriage return, gets a
// leading apostrophe (OWASP's advice against CSV injection), so that a title such as
// `=HYPERLINK("http://evil", "open")` typed by one user is shown, not run, on the reader's
// machine. A plain signed number is left as it is: it cannot be a formula.
func SpreadsheetCell(s string) string {
	if s == "" || plainNumber.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
