package text

import "testing"

func TestCheck(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "差旅 travel", ""},
		{"empty", "", ""},
		{"tab newline cr", "a\tb\nc\r\nd", ""},
		{"nul", "a\x00b", KeyControl},
		{"escape", "a\x1bb", KeyControl},
		{"del", "a\x7f", KeyControl},
		{"c1", "a\u0085", KeyControl},
		{"stray byte", "a\xffb", KeyEncoding},
		{"overlong slash", "\xc0\xaf", KeyEncoding},
		{"lone surrogate", "\xed\xa0\x80", KeyEncoding},
		{"truncated", "用"[:2], KeyEncoding},
	}
	for _, tt := range tests {
		if got := Check(tt.in); got != tt.want {
			t.Errorf("%s: Check(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
		if Valid(tt.in) != (tt.want == "") {
			t.Errorf("%s: Valid disagrees with Check", tt.name)
		}
	}
}
