package i18n_test

import (
	"regexp"
	"slices"
	"testing"

	"signoff/i18n"
)

// verbs finds the fmt verbs of a format, in order.
var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[vTtbcdoOqxXUeEfFgGsp%]`)

func TestCataloguesHoldTheSameKeys(t *testing.T) {
	zh, en := i18n.Keys(i18n.ZH), i18n.Keys(i18n.EN)
	for _, k := range zh {
		if !i18n.Has(i18n.EN, k) {
			t.Errorf("%q is in zh-CN but not in en", k)
		}
	}
	for _, k := range en {
		if !i18n.Has(i18n.ZH, k) {
			t.Errorf("%q is in en but not in zh-CN", k)
		}
	}
}

// A translation must take the same arguments in the same order, or Sprintf garbles it.
func TestTranslationsTakeTheSameArguments(t *testing.T) {
	for _, k := range i18n.Keys(i18n.EN) {
		en := verbs.FindAllString(i18n.Format(i18n.EN, k), -1)
		zh := verbs.FindAllString(i18n.Format(i18n.ZH, k), -1)
		if !slices.Equal(en, zh) {
			t.Errorf("%q: en takes %v, zh-CN takes %v", k, en, zh)
		}
		if i18n.Format(i18n.ZH, k) == "" || i18n.Format(i18n.EN, k) == "" {
			t.Errorf("%q is empty in a catalogue", k)
		}
	}
}

func TestT(t *testing.T) {
	if got := i18n.T(i18n.ZH, "problem.too_long", 200); got != "最多 200 个字符" {
		t.Errorf("zh too_long = %q", got)
	}
	if got := i18n.T(i18n.EN, "problem.too_long", 200); got != "must be at most 200 characters" {
		t.Errorf("en too_long = %q", got)
	}
	if got := i18n.T(i18n.ZH, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q, want the key", got)
	}
}

func TestParse(t *testing.T) {
	for tag, want := range map[string]i18n.Lang{"zh": i18n.ZH, "zh-CN": i18n.ZH, "zh-Hans": i18n.ZH, "en": i18n.EN, "en-GB": i18n.EN, "EN": i18n.EN} {
		if got, ok := i18n.Parse(tag); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", tag, got, ok, want)
		}
	}
	for _, tag := range []string{"", "fr", "zz-zh"} {
		if _, ok := i18n.Parse(tag); ok {
			t.Errorf("Parse(%q) accepted", tag)
		}
	}
}
