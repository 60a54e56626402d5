package notify

import "fmt"

// Case is what a message says about the case.
type Case struct {
	ID    string
	Title string
	Link  string
}

var subjects = map[string]string{
	"todo":       "待办：%s %s 等待您处理",
	"reminder":   "提醒：%s %s 即将到期",
	"escalation": "督办：%s %s 已超时",
	"nudge":      "催办：%s %s 请尽快处理",
	"returned":   "退回：%s %s 已退回，请修改",
	"rejected":   "驳回：%s %s 已被驳回",
	"paid":       "已付款：%s %s",
}

// Compose returns the subject and body of a notice of the given kind.
func Compose(kind string, c Case, recipientName string) (subject, body string) {
	f, ok := subjects[kind]
	if !ok {
		f = "通知：%s %s"
	}
	subject = "【Signoff】" + fmt.Sprintf(f, c.ID, c.Title)
	body = fmt.Sprintf("%s，您好：\n\n%s\n\n查看：%s\n", recipientName, subject, c.Link)
	return subject, body
}
