package voucher

import (
	"strconv"
	"strings"
)

// AmountInWords writes a decimal amount ("1234.50", or grouped "1,234.50") in the capital numerals a paper voucher
// carries beside the figures (大写金额: 壹仟贰佰叁拾肆元伍角整), which cannot be altered by adding a
// stroke. A text that is not a decimal amount is returned as it is.
func AmountInWords(amount string) string {
	s, neg := strings.CutPrefix(strings.ReplaceAll(amount, ",", ""), "-")
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	n, err := strconv.ParseUint(whole, 10, 63)
	if err != nil || frac[0] < '0' || frac[0] > '9' || frac[1] < '0' || frac[1] > '9' {
		return amount
	}
	const digits = "零壹贰叁肆伍陆柒捌玖"
	digit := func(d byte) string { return string([]rune(digits)[d-'0']) }
	var b strings.Builder
	if neg {
		b.WriteString("负")
	}
	jiao, fen := frac[0], frac[1]
	if n > 0 {
		b.WriteString(integerWords(strconv.FormatUint(n, 10), digit))
		b.WriteString("元")
	}
	switch {
	case jiao == '0' && fen == '0':
		if n == 0 {
			b.WriteString("零元")
		}
		b.WriteString("整")
	case fen == '0':
		b.WriteString(digit(jiao) + "角整")
	case jiao == '0':
		if n > 0 {
			b.WriteString("零")
		}
		b.WriteString(digit(fen) + "分")
	default:
		b.WriteString(digit(jiao) + "角" + digit(fen) + "分")
	}
	return b.String()
}

// integerWords writes the decimal digits s (no leading zero) in capitals: a run of zeros is one
// 零, and a group of four zeros drops its 万 or 亿.
func integerWords(s string, digit func(byte) string) string {
	small := []string{"", "拾", "佰", "仟"}
	big := []string{"", "万", "亿", "万亿"}
	var b strings.Builder
	zero, groupHas := false, false
	for i := 0; i < len(s); i++ {
		pos := len(s) - 1 - i
		if s[i] == '0' {
			zero = true
		} else {
			if zero {
				b.WriteString("零")
				zero = false
			}
			b.WriteString(digit(s[i]) + small[pos%4])
			groupHas = true
		}
		if pos%4 == 0 {
			if groupHas && pos > 0 {
				b.WriteString(big[pos/4])
			}
			groupHas = false
		}
	}
	return b.String()
}
