// Package policy holds the organisation and the approval rules as data, and the pure functions
// that evaluate them. The workflow, the gateway (route preview) and the tests all call these
// functions, so a rule is decided in exactly one place. Nothing here does I/O or reads the clock.
package policy

import "time"

// Role is a part a person plays on one case (经办人, 证明人, ...). Chain roles are the vocabulary
// of the sign-off chain; organisation roles (finance_director, general_manager, ...) are the
// posts people hold and are declared in the document's role catalogue.
type Role string

// Chain roles, in chain order. The handler is the submitter.
const (
	RoleHandler         Role = "handler"          // 经办人
	RoleWitness         Role = "witness"          // 证明人
	RoleReceiver        Role = "receiver"         // 验收人
	RoleReviewer        Role = "reviewer"         // 审核人
	RoleInternalAuditor Role = "internal_auditor" // 内审员: the internal audit department (审计部), who read the audit log
	RoleApprover        Role = "approver"         // 审批人
	RoleCashier         Role = "cashier"          // 出纳
	// RoleCountersigner signs a contract countersign (会签) for a department.
	RoleCountersigner Role = "countersigner" // 会签人
	// RoleKeeper and RoleAccountant put the two seals on an accepted receipt (验收入库).
	RoleKeeper     Role = "keeper"     // 仓库保管员
	RoleAccountant Role = "accountant" // 会计
)

// Mode is how many of a step's assignees must approve: 会签 (all_of), 或签 (any_of) or k of n.
type Mode string

const (
	ModeAllOf Mode = "all_of"
	ModeAnyOf Mode = "any_of"
	ModeKOfN  Mode = "k_of_n"
)

// Kind is a kind of case.
type Kind string

const (
	KindExpense     Kind = "expense"
	KindProcurement Kind = "procurement" // a purchase request (PR-…): review, approval, contract countersign
	KindReceipt     Kind = "receipt"     // one delivery's acceptance (GR-…): keeper and accountant
	KindSettlement  Kind = "settlement"  // an order's payment (PAY-…): match exception review, cashier
)

// Document is one loaded version of the organisation and the policy: what a YAML file holds.
// It is stored whole in Postgres (JSON) under a version number; a case keeps the version it was
// submitted under.
type Document struct {
	Name         string           `json:"name" yaml:"name"`
	Currency     string           `json:"currency" yaml:"currency"`
	Roles        []RoleDef        `json:"roles" yaml:"roles"`
	Departments  []Department     `json:"departments" yaml:"departments"`
	Users        []User           `json:"users" yaml:"users"`
	Categories   []Category       `json:"categories" yaml:"categories"`
	BudgetLines  []BudgetLine     `json:"budget_lines" yaml:"budget_lines"`
	Levels       map[string]Level `json:"levels" yaml:"levels"`
	Authority    []Authority      `json:"authority" yaml:"authority"`
	Incompatible [][2]Role        `json:"incompatible" yaml:"incompatible"`
	// Grants say who holds each capability (capability.go). Empty in every document stored before
	// capabilities were data, and then left out of the JSON so that those documents keep their
	// checksums.
	Grants        map[Capability]Grant `json:"capabilities,omitempty" yaml:"capabilities"`
	Chains        map[Kind]Chain       `json:"chains" yaml:"chains"`
	Calendar      Calendar             `json:"calendar" yaml:"calendar"`
	Notifications NotificationRules    `json:"notifications" yaml:"notifications"`
	// Expense is left out of the JSON when unset, so that documents stored before it keep their
	// checksums.
	Expense     Expense     `json:"expense,omitzero" yaml:"expense"`
	Procurement Procurement `json:"procurement" yaml:"procurement"`
	// Seals is left out of the JSON when unset, so that documents stored before it keep their
	// checksums.
	Seals      Seals      `json:"seals,omitzero" yaml:"seals"`
	Production Production `json:"production" yaml:"production"`
}

// RoleDef declares a role name that users may hold and rules may refer to.
type RoleDef struct {
	ID    Role   `json:"id" yaml:"id"`
	Label string `json:"label" yaml:"label"` // zh-CN label, e.g. 审核人
}

// Department is an organisational unit. Head is the department head's user ID; Parent is the
// parent department's ID ("" for the top), which gives each head a superior.
type Department struct {
	ID     string `json:"id" yaml:"id"`
	Name   string `json:"name" yaml:"name"`
	Head   string `json:"head" yaml:"head"`
	Parent string `json:"parent,omitempty" yaml:"parent"`
}

// User is a person. PasswordHash is the format before passwords moved to the database
// (store/credentials.go, migration 00017): a document that still carries one loads, and the hash
// seeds the user's credential once, never overwriting a password changed since. New documents
// leave it out; it is never part of a stored version (json:"-").
type User struct {
	ID           string `json:"id" yaml:"id"`
	Name         string `json:"name" yaml:"name"`
	Email        string `json:"email" yaml:"email"`
	Department   string `json:"department" yaml:"department"`
	Roles        []Role `json:"roles" yaml:"roles"`
	Superior     string `json:"superior,omitempty" yaml:"superior"` // overrides the derived superior
	PasswordHash string `json:"-" yaml:"password_hash"`
}

// Category is an expense or purchase category (差旅费, 办公用品, ...).
type Category struct {
	ID    string `json:"id" yaml:"id"`
	Name  string `json:"name" yaml:"name"`
	Goods bool   `json:"goods" yaml:"goods"` // goods are received (验收); services are not
}

// BudgetLine is a budget line (预算指标) with its yearly total in minor units (分).
type BudgetLine struct {
	ID         string `json:"id" yaml:"id"`
	Name       string `json:"name" yaml:"name"`
	Department string `json:"department" yaml:"department"`
	Year       int    `json:"year" yaml:"year"`
	Total      Money  `json:"total" yaml:"total"`
	// Category, if set, is the only category that may be claimed against the line.
	Category string `json:"category,omitempty" yaml:"category"`
}

// Level is one approval level: who signs at it. Resolve is "department_head" (the submitter's
// department head) or "role" (the holders of Role, any of whom may sign).
type Level struct {
	Label   string `json:"label" yaml:"label"`
	Resolve string `json:"resolve" yaml:"resolve"`
	Role    Role   `json:"role,omitempty" yaml:"role"`
}

// Authority gives the approval levels for one category ("*" for every category not named
// elsewhere), by amount band.
type Authority struct {
	Category string `json:"category" yaml:"category"`
	Bands    []Band `json:"bands" yaml:"bands"`
}

// Band covers amounts a with Above < a <= UpTo (UpTo nil: unbounded). The boundary belongs to the
// lower band: exactly 5,000.00 is "up to 5,000.00". Bands of one category must be contiguous from
// zero, without gaps or overlaps, and the last must be unbounded.
type Band struct {
	Above  Money    `json:"above" yaml:"above"`
	UpTo   *Money   `json:"up_to,omitempty" yaml:"up_to"`
	Levels []string `json:"levels" yaml:"levels"` // keys of Document.Levels, in signing order
}

// Chain is the template of a kind of case: its steps in order and its time limits.
type Chain struct {
	Steps          []StepTemplate `json:"steps" yaml:"steps"`
	SLA            Duration       `json:"sla" yaml:"sla"`                         // whole chain, working time
	ReminderBefore Duration       `json:"reminder_before" yaml:"reminder_before"` // working time before a deadline
	OverBudget     string         `json:"over_budget" yaml:"over_budget"`         // "refuse" or "route"
	OverBudgetStep *StepTemplate  `json:"over_budget_step,omitempty" yaml:"over_budget_step"`
}

// StepTemplate is one step of a chain. A step with Authority set expands into one step per
// approval level of the amount band. Assignee is "department_head", "role:<role>" (org-wide
// holders), "department_role:<role>" (holders in the submitter's department) or
// "department_heads" (the heads of Departments, "requester" naming the case's own: a countersign).
type StepTemplate struct {
	Key        string   `json:"key" yaml:"key"`
	Role       Role     `json:"role" yaml:"role"`
	Label      string   `json:"label" yaml:"label"`
	Assignee   string   `json:"assignee,omitempty" yaml:"assignee"`
	Authority  bool     `json:"authority,omitempty" yaml:"authority"`
	Mode       Mode     `json:"mode" yaml:"mode"`
	K          int      `json:"k,omitempty" yaml:"k"`
	SLA        Duration `json:"sla" yaml:"sla"`
	GoodsOnly  bool     `json:"goods_only,omitempty" yaml:"goods_only"` // applies only to goods categories
	Categories []string `json:"categories,omitempty" yaml:"categories"` // applies only to these, if set
	// Departments are the departments whose heads sign a "department_heads" step.
	Departments []string `json:"departments,omitempty" yaml:"departments"`
	// RejectReturns makes a rejection on this step send the case back to the submitter to revise
	// and resubmit, instead of ending it (a countersign: any one may refuse the contract).
	RejectReturns bool `json:"reject_returns,omitempty" yaml:"reject_returns"`
	// When names a condition of the case (Facts.Conditions) the step applies under, if set.
	When string `json:"when,omitempty" yaml:"when"`
}

// NotificationRules say which channels reminders use.
type NotificationRules struct {
	Email   bool `json:"email" yaml:"email"`
	Webhook bool `json:"webhook" yaml:"webhook"`
}

// Duration is a time.Duration written as "4h", "30m" in YAML and JSON.
type Duration time.Duration

// Money is an amount in minor units (分). In YAML and JSON it is written as a decimal string
// with at most two decimals ("5000", "5000.00"); it is never a float.
type Money int64
