package policy

// Facts are what routing needs to know about a case. They come from the submitted claim.
type Facts struct {
	Kind       Kind   `json:"kind"`
	Category   string `json:"category"`
	Amount     Money  `json:"amount"`
	Submitter  string `json:"submitter"`
	Department string `json:"department"`  // the submitter's department unless stated otherwise
	OverBudget bool   `json:"over_budget"` // the amount exceeds the budget line's remaining balance
	// Conditions name facts that switch on steps with a matching When (e.g. "match_exception").
	Conditions []string `json:"conditions,omitempty"`
}

// Route is the evaluated chain for one case: every step with its assignees, and why.
type Route struct {
	Kind  Kind        `json:"kind"`
	Band  *BandChoice `json:"band,omitempty"`
	Steps []RouteStep `json:"steps"`
	SLA   Duration    `json:"sla"`
	// ReminderBefore is copied from the chain so the workflow needs nothing else.
	ReminderBefore Duration `json:"reminder_before"`
}

// BandChoice explains which authority band the amount fell into.
type BandChoice struct {
	Category string   `json:"category"` // the authority entry used ("*" if the default)
	Above    Money    `json:"above"`
	UpTo     *Money   `json:"up_to,omitempty"`
	Levels   []string `json:"levels"`
	// Why says which band and why, in words of the catalogues (why.go).
	Why Why `json:"why,omitempty"`
	// Reason is the zh-CN sentence routes resolved before Why carried instead; new routes leave
	// it empty. Read both through Explain.
	Reason string `json:"reason,omitempty"`
}

// RouteStep is one step of an evaluated route.
type RouteStep struct {
	Key       string   `json:"key"` // unique in the route, e.g. "witness", "approval.finance_director"
	Role      Role     `json:"role"`
	Label     string   `json:"label"`
	Mode      Mode     `json:"mode"`
	K         int      `json:"k,omitempty"`
	Assignees []string `json:"assignees"`      // user IDs, sorted, never empty
	Pool      []string `json:"pool,omitempty"` // who may take the step over by transfer: whoever holds its authority for this case (route.go eligible), free of SoD conflicts
	// Seats, for a step whose assignees each sign for a department (a countersign), say who may
	// take over each assignee's part: their department's authority, not another's.
	Seats map[string][]string `json:"seats,omitempty"`
	SLA   Duration            `json:"sla"`
	Why   Why                 `json:"why,omitempty"` // why this step and these people (why.go)
	// Reason is the zh-CN sentence of a route resolved before Why (see BandChoice.Reason).
	Reason string `json:"reason,omitempty"`
	// RejectReturns: a rejection sends the case back to the submitter (a countersign).
	RejectReturns bool `json:"reject_returns,omitempty"`
}
