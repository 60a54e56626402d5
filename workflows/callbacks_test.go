package workflows_test

import (
	"testing"

	"signoff/store"
)

// resultCallback fails the test if an update is refused.
type resultCallback struct {
	t     *testing.T
	label string
}

func (c *resultCallback) Accept() {}
func (c *resultCallback) Reject(err error) {
	c.t.Errorf("%s refused: %v", c.label, err)
}
func (c *resultCallback) Complete(_ interface{}, err error) {
	if err != nil {
		c.t.Errorf("%s failed: %v", c.label, err)
	}
}

func editOf(amount int64) store.Edit {
	return store.Edit{Title: "差旅费报销", Purpose: "客户拜访（补充住宿）", Category: "travel", Amount: amount,
		Lines:           []store.Line{{Description: "机票", Amount: amount - 100000}, {Description: "住宿", Amount: 100000}},
		AllowOverBudget: true}
}
