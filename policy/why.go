package policy

import (
	"strings"

	"signoff/i18n"
)

// Why a route is what it is, kept as words of the catalogues rather than as one sentence, so
// that every reader reads it in their own language ("why.*" keys of i18n/): which authority band
// the amount fell in, whose head signs and who replaced them, who was left out and for which
// incompatible role. The route records it once, when it is resolved; each door renders it.

// Phrase is one piece of an explanation: the catalogue key "why."+Key with its arguments, which
// are already words (names from the policy, amounts, ranges), and at most one list (people,
// levels), which the reader's language joins and passes as the last argument.
type Phrase struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
	List []string `json:"list,omitempty"`
}

// Clause is one statement, its phrases written one after the other ("X 的负责人" "签批").
type Clause []Phrase

// Why is an explanation: its clauses, separated as the language separates statements.
type Why []Clause

// In writes the phrase in lang.
func (p Phrase) In(lang i18n.Lang) string {
	args := make([]any, 0, len(p.Args)+1)
	for _, a := range p.Args {
		args = append(args, a)
	}
	if p.List != nil {
		args = append(args, strings.Join(p.List, i18n.T(lang, "why.and")))
	}
	return i18n.T(lang, "why."+p.Key, args...)
}

// In writes the clause in lang.
func (c Clause) In(lang i18n.Lang) string {
	var b strings.Builder
	for _, p := range c {
		b.WriteString(p.In(lang))
	}
	return b.String()
}

// In writes the explanation in lang: "" when there is nothing to explain.
func (w Why) In(lang i18n.Lang) string {
	parts := make([]string, len(w))
	for i, c := range w {
		parts[i] = c.In(lang)
	}
	return strings.Join(parts, i18n.T(lang, "why.sep"))
}

// Keys lists every catalogue key the explanation uses, for tests that each one exists.
func (w Why) Keys() []string {
	var out []string
	for _, c := range w {
		for _, p := range c {
			out = append(out, "why."+p.Key)
		}
	}
	return out
}

// phrase is a Phrase of arguments.
func phrase(key string, args ...string) Phrase { return Phrase{Key: key, Args: args} }

// Or writes the explanation in lang, or, when it is empty, the sentence that a route resolved
// before explanations were words of the catalogues carries instead (zh-CN).
func (w Why) Or(sentence string, lang i18n.Lang) string {
	if len(w) == 0 {
		return sentence
	}
	return w.In(lang)
}

// Explain is why the band was chosen, in lang.
func (b BandChoice) Explain(lang i18n.Lang) string { return b.Why.Or(b.Reason, lang) }

// Explain is why the step is there and falls to its people, in lang.
func (s RouteStep) Explain(lang i18n.Lang) string { return s.Why.Or(s.Reason, lang) }
