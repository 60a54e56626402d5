package voucher

import "testing"

func TestAmountInWords(t *testing.T) {
	for in, want := range map[string]string{
		"1234.50":   "壹仟贰佰叁拾肆元伍角整",
		"0.00":      "零元整",
		"1,550.50":  "壹仟伍佰伍拾元伍角整",
		"12.05":     "壹拾贰元零伍分",
		"0.35":      "叁角伍分",
		"100001":    "壹拾万零壹元整",
		"10001.10":  "壹万零壹元壹角整",
		"100000000": "壹亿元整",
		"-3.00":     "负叁元整",
		"abc":       "abc",
	} {
		if got := AmountInWords(in); got != want {
			t.Errorf("AmountInWords(%q) = %q, want %q", in, got, want)
		}
	}
}
