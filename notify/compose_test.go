package notify_test

import (
	"strings"
	"testing"

	"signoff/i18n"
	"signoff/notify"
)

// TestCompose: every kind of notice names the case in its subject, says what happened and links
// to the case in its body, addressed to the recipient.
func TestCompose(t *testing.T) {
	c := notify.Case{ID: "EXP-2026-000042", Title: "上海出差 100% 报销", Link: "https://signoff.example.com/cases/EXP-2026-000042"}
	tests := []struct {
		kind string
		want string // what the subject says happened
	}{
		{"todo", "待办"},
		{"reminder", "即将到期"},
		{"escalation", "已超时"},
		{"nudge", "催办"},
		{"returned", "已退回"},
		{"rejected", "已被驳回"},
		{"paid", "已付款"},
		{"something_new", "通知"},
		{"", "通知"},
	}
	subjects := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			subject, body := notify.Compose(i18n.ZH, tt.kind, c, "李娜")
			if !strings.HasPrefix(subject, "【Signoff】") {
				t.Errorf("subject %q lacks the product prefix", subject)
			}
			for _, part := range []string{c.ID, c.Title, tt.want} {
				if !strings.Contains(subject, part) {
					t.Errorf("subject %q lacks %q", subject, part)
				}
			}
			if strings.Contains(subject, "%!") {
				t.Errorf("subject %q has a formatting error", subject)
			}
			if strings.ContainsAny(subject, "\r\n") {
				t.Errorf("subject %q spans lines", subject)
			}
			if !strings.HasPrefix(body, "李娜，您好：") || !strings.Contains(body, subject) || !strings.Contains(body, "查看："+c.Link+"\n") {
				t.Errorf("body = %q, want a greeting to 李娜, the subject and the link", body)
			}
			if other, seen := subjects[subject]; seen && other != "" {
				t.Errorf("kinds %q and %q share the subject %q", other, tt.kind, subject)
			}
			if tt.want != "通知" {
				subjects[subject] = tt.kind
			}
		})
	}
}

// TestComposeInEnglish: a notice composed in English says the same in English, with nothing of
// the Chinese catalogue left in it.
func TestComposeInEnglish(t *testing.T) {
	c := notify.Case{ID: "EXP-2026-000042", Title: "Trip to Shanghai", Link: "https://signoff.example.com/cases/EXP-2026-000042"}
	subject, body := notify.Compose(i18n.EN, "returned", c, "Li Na")
	if want := "[Signoff] Returned: EXP-2026-000042 Trip to Shanghai was returned, please revise it"; subject != want {
		t.Errorf("subject = %q, want %q", subject, want)
	}
	if want := "Dear Li Na,\n\n" + subject + "\n\nView it at: " + c.Link + "\n"; body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
	if other, _ := notify.Compose(i18n.EN, "problem_todo", c, "Li Na"); other != "[Signoff] Notice: EXP-2026-000042 Trip to Shanghai" {
		t.Errorf("a kind without its own sentence: %q", other)
	}
}
