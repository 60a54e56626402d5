package chain

import (
	"slices"
	"time"
)

// ActionType names a human action on a case. Each is a Temporal Update of the same name.
type ActionType string

const (
	ActApprove   ActionType = "approve"    // 同意 / sign
	ActReject    ActionType = "reject"     // 驳回: ends the case
	ActReturn    ActionType = "return"     // 退回 to the submitter or an earlier step
	ActResubmit  ActionType = "resubmit"   // 重新提交 after a return
	ActWithdraw  ActionType = "withdraw"   // 撤回 by the submitter before the final approval
	ActTransfer  ActionType = "transfer"   // 转交 to another holder of the same post
	ActAddSigner ActionType = "add_signer" // 加签 before / after / in parallel
	ActComment   ActionType = "comment"    // 评论
	ActNudge     ActionType = "nudge"      // 催办
	ActPay       ActionType = "pay"        // the cashier records the payment
)

// Actions lists every action type, in the order a UI offers them.
var Actions = []ActionType{ActApprove, ActPay, ActReject, ActReturn, ActTransfer, ActAddSigner,
	ActResubmit, ActWithdraw, ActComment, ActNudge}

// stepActions are taken on the current step by one of its holders (Action.Principal): the only
// actions a delegate takes in an assignee's place. The others (resubmit, withdraw, comment,
// nudge) are the actor's own, whoever they stand in for.
var stepActions = []ActionType{ActApprove, ActPay, ActReject, ActReturn, ActTransfer, ActAddSigner}

// OnStep reports whether t is taken on the current step by one of its holders, and so may be
// taken by a delegate in an assignee's place.
func (t ActionType) OnStep() bool { return slices.Contains(stepActions, t) }

// Add-signer positions.
const (
	PositionBefore   = "before"
	PositionAfter    = "after"
	PositionParallel = "parallel"
)

// NudgeInterval is how often one case may be nudged.
const NudgeInterval = time.Hour

// MaxCommentLen bounds a comment or reason, in characters.
const MaxCommentLen = 2000

// Action is one human action as the gateway sends it. Actor is the authenticated user;
// OnBehalfOf is set when the actor acts as a delegate (代理) of an assignee, which the gateway
// has checked against the delegations in force.
type Action struct {
	Type       ActionType `json:"type"`
	Actor      string     `json:"actor"`
	OnBehalfOf string     `json:"on_behalf_of,omitempty"`
	Revision   int        `json:"revision"`
	Comment    string     `json:"comment,omitempty"`   // the reason for reject/return/withdraw
	ToStep     string     `json:"to_step,omitempty"`   // return: "" = the submitter
	Target     string     `json:"target,omitempty"`    // transfer / add_signer: the user
	Position   string     `json:"position,omitempty"`  // add_signer
	Reference  string     `json:"reference,omitempty"` // pay: the bank reference
	PaidAt     time.Time  `json:"paid_at,omitzero"`    // pay: when the money left
	EditID     string     `json:"edit_id,omitempty"`   // resubmit: the stored edit of the claim
}

// Principal is whose part of the step the action takes: the assignee a delegate stands in for,
// or the actor.
func (a Action) Principal() string {
	if a.OnBehalfOf != "" {
		return a.OnBehalfOf
	}
	return a.Actor
}

// decides reports whether the action changes the chain and so must carry the current revision.
func (a Action) decides() bool {
	return a.Type != ActComment && a.Type != ActNudge
}
