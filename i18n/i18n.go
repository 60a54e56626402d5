// Package i18n holds every sentence Signoff shows people, in Simplified Chinese (the default)
// and English, as two flat catalogues of fmt formats keyed alike. The JSON API speaks English;
// the web UI speaks the reader's language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

// Lang is a language of the catalogues, named by its BCP 47 tag.
type Lang string

// The languages Signoff speaks. Chinese comes first: it is the default.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the languages, the default first.
var Langs = []Lang{ZH, EN}

// Default is the language of a reader who has not chosen one.
const Default = ZH

//go:embed zh-CN.json en.json
var files embed.FS

// catalogues maps a language to its messages. They are read once, at start-up; a broken file
// is a build defect that the package's tests catch.
var catalogues = func() map[Lang]map[string]string {
	out := map[Lang]map[string]string{}
	for _, l := range Langs {
		b, err := files.ReadFile(string(l) + ".json")
		if err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", l, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", l, err))
		}
		out[l] = m
	}
	return out
}()

// Parse reads a language tag; "zh", "zh-Hans" and "en-GB" find their catalogue.
func Parse(tag string) (Lang, bool) {
	t := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case t == "zh" || strings.HasPrefix(t, "zh-"):
		return ZH, true
	case t == "en" || strings.HasPrefix(t, "en-"):
		return EN, true
	}
	return "", false
}

// T renders the message key in lang with args. A key missing in lang falls back to English,
// then to the key itself, so that a gap shows as a readable key rather than an empty string.
func T(lang Lang, key string, args ...any) string {
	format, ok := catalogues[lang][key]
	if !ok {
		if format, ok = catalogues[EN][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Has reports whether lang's catalogue holds key.
func Has(lang Lang, key string) bool {
	_, ok := catalogues[lang][key]
	return ok
}

// Keys lists the keys of lang's catalogue, for tests.
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalogues[lang]))
	for k := range catalogues[lang] {
		keys = append(keys, k)
	}
	return keys
}

// Format returns the raw format of key in lang, for tests.
func Format(lang Lang, key string) string { return catalogues[lang][key] }
