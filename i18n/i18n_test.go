package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"signoff/i18n"
)

// verbs finds the fmt verbs of a format, in order, with their explicit argument index if any.
var verbs = regexp.MustCompile(`%[-+# 0]*(?:\[([0-9]+)\])?[0-9]*(\.[0-9]+)?([vTtbcdoOqxXUeEfFgGsp%])`)

// arguments lists which argument each verb of a format takes and how ("1s", "2d"), sorted and
// without repeats: a translation may reorder its arguments (%[2]s) or repeat one, but it must
// take the same ones the same way.
func arguments(format string) []string {
	var out []string
	next := 1
	for _, m := range verbs.FindAllStringSubmatch(format, -1) {
		if m[3] == "%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1])
		}
		out = append(out, strconv.Itoa(next)+m[3])
		next++
	}
	slices.Sort(out)
	return slices.Compact(out)
}

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

// A translation must take the same arguments, or Sprintf garbles it.
func TestTranslationsTakeTheSameArguments(t *testing.T) {
	if got := arguments("%[2]s of %[1]s: %[3]s"); !slices.Equal(got, []string{"1s", "2s", "3s"}) {
		t.Fatalf("arguments of a reordered format = %v", got)
	}
	if got := arguments("%s%%, %d"); !slices.Equal(got, []string{"1s", "2d"}) {
		t.Fatalf("arguments = %v", got)
	}
	for _, k := range i18n.Keys(i18n.EN) {
		en := arguments(i18n.Format(i18n.EN, k))
		zh := arguments(i18n.Format(i18n.ZH, k))
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

// wholeKeyNamespaces are the namespaces whose keys the code always names whole, as a quoted
// literal, never built from parts; a key of theirs that no source file names is dead.
var wholeKeyNamespaces = []string{"notify.", "system."}

func TestEveryWholeKeyIsUsed(t *testing.T) {
	var sources []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		sources = append(sources, string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(sources, "\n")
	checked := 0
	for _, k := range i18n.Keys(i18n.ZH) {
		if !slices.ContainsFunc(wholeKeyNamespaces, func(ns string) bool { return strings.HasPrefix(k, ns) }) {
			continue
		}
		checked++
		if !strings.Contains(all, `"`+k+`"`) {
			t.Errorf("%q is in the catalogues but no Go code names it", k)
		}
	}
	if checked == 0 {
		t.Error("no key of the whole-key namespaces found: the test checks nothing")
	}
}

// The system writes these texts into the database, in the company's language; rows written by
// earlier versions hold the same wording, so a change here makes old and new rows disagree.
func TestStoredTextsKeepTheirWording(t *testing.T) {
	for _, tt := range []struct {
		key  string
		args []any
		want string
	}{
		{"system.no_route", []any{"no tier"}, "无法确定审批路线 (no route): no tier"},
		{"system.receipt.title", []any{"PO-2026-000001", 2}, "验收入库 PO-2026-000001 第2批"},
		{"system.receipt.purpose", []any{"PO-2026-000001", "笔记本", "SN-1"}, "PO-2026-000001（笔记本）到货验收，送货单 SN-1"},
		{"system.settlement.title", []any{"PO-2026-000001"}, "付款 PO-2026-000001"},
		{"system.settlement.purpose_matched", []any{"PO-2026-000001"}, "PO-2026-000001 三单匹配一致，付款"},
		{"system.settlement.purpose_mismatch", []any{"PO-2026-000001"}, "PO-2026-000001 三单匹配不一致，须审核后付款"},
	} {
		if got := i18n.T(i18n.Default, tt.key, tt.args...); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.key, got, tt.want)
		}
	}
}
