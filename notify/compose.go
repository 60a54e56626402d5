package notify

import "signoff/i18n"

// Case is what a message says about the case.
type Case struct {
	ID    string
	Title string
	Link  string
}

// kindKeys names the catalogue sentence that says what happened, by kind of notice. A kind
// not listed (a problem's notices, say) gets the plain "notice" sentence rather than none.
var kindKeys = map[string]string{
	"todo":       "notify.kind.todo",
	"reminder":   "notify.kind.reminder",
	"escalation": "notify.kind.escalation",
	"nudge":      "notify.kind.nudge",
	"returned":   "notify.kind.returned",
	"rejected":   "notify.kind.rejected",
	"paid":       "notify.kind.paid",
}

// Compose returns the subject and body of a notice of the given kind, in lang.
func Compose(lang i18n.Lang, kind string, c Case, recipientName string) (subject, body string) {
	key, ok := kindKeys[kind]
	if !ok {
		key = "notify.kind.other"
	}
	subject = i18n.T(lang, "notify.subject", i18n.T(lang, key, c.ID, c.Title))
	body = i18n.T(lang, "notify.body", recipientName, subject, c.Link)
	return subject, body
}
