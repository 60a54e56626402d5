package workflows

import (
	"errors"
	"slices"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"signoff/actionsig"
	"signoff/chain"
	"signoff/problem"
)

// Signed actions. Every human action reaches a workflow as an Update whose arguments are the
// action and its actionsig.Proof, made by the gateway (service) with a key it shares with the
// workers. SigningInterceptor checks the proof before the Update's validator, so an action sent
// straight to the Temporal frontend without a valid proof is refused before it enters history.
// Only validation reads the key: validators are not run on replay, and handlers never look at
// the proof, so a history replays whatever keys the worker holds.

// signedWorkflows are the workflow types whose Updates (but the submission's) are human actions.
var signedWorkflows = []string{ExpenseWorkflow, ProcurementWorkflow, ReceiptWorkflow, SettlementWorkflow,
	ProblemWorkflow, PurchaseOrderWorkflow}

// ActionSubject is what a proof of an action sent as Update update to workflow workflowID under
// Update ID updateID attests: the caller builds it to sign, the interceptor to verify. action is
// a chain.Action, a problem.Action, a DeliverRequest or an InvoiceRequest; any other kind is not
// an action and is refused.
func ActionSubject(workflowID, updateID, update string, action any) (actionsig.Subject, bool) {
	s := actionsig.Subject{WorkflowID: workflowID, UpdateID: updateID, Update: update, Payload: action}
	switch a := action.(type) {
	case chain.Action:
		s.Actor, s.OnBehalfOf, s.Revision = a.Actor, a.OnBehalfOf, a.Revision
	case problem.Action:
		s.Actor, s.Revision = a.Actor.ID, a.Revision
	case DeliverRequest:
		s.Actor = a.Actor
	case InvoiceRequest:
		s.Actor = a.Actor
	default:
		return actionsig.Subject{}, false
	}
	return s, true
}

// SigningInterceptor returns the worker interceptor that refuses a human action's Update whose
// proof does not verify with keys, with a non-retryable error typed by the actionsig code
// (unsigned_action, forged_action, expired_action, unknown_signing_key).
func SigningInterceptor(keys *actionsig.Keyring) (interceptor.WorkerInterceptor, error) {
	if keys == nil {
		return nil, errors.New("workflows: a signing keyring is required")
	}
	return &signingWorker{keys: keys}, nil
}

type signingWorker struct {
	interceptor.WorkerInterceptorBase
	keys *actionsig.Keyring
}

func (w *signingWorker) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &signingInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, keys: w.keys}
}

type signingInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	keys *actionsig.Keyring
}

func (i *signingInbound) ValidateUpdate(ctx workflow.Context, in *interceptor.UpdateInput) error {
	if err := i.verify(ctx, in); err != nil {
		return err
	}
	return i.Next.ValidateUpdate(ctx, in)
}

// verify checks the proof of an action's Update; other Updates pass.
func (i *signingInbound) verify(ctx workflow.Context, in *interceptor.UpdateInput) error {
	info := workflow.GetInfo(ctx)
	if in.Name == UpdateSubmit || !slices.Contains(signedWorkflows, info.WorkflowType.Name) {
		return nil
	}
	unsigned := &actionsig.Error{Code: actionsig.CodeUnsigned, Message: "the action carries no signature"}
	if len(in.Args) != 2 {
		return signatureRefusal(unsigned)
	}
	proof, ok := in.Args[1].(actionsig.Proof)
	if !ok {
		return signatureRefusal(unsigned)
	}
	s, ok := ActionSubject(info.WorkflowExecution.ID, workflow.GetCurrentUpdateInfo(ctx).ID, in.Name, in.Args[0])
	if !ok {
		return signatureRefusal(unsigned)
	}
	// The payload is hashed as encoding/json writes it (struct fields in order, map keys
	// sorted), which workflowcheck cannot see is deterministic; validators never replay anyway.
	//workflowcheck:ignore
	return signatureRefusal(i.keys.Verify(s, proof, workflow.Now(ctx)))
}

// signatureRefusal types a refused proof by its code, as refusals of the rules are.
func signatureRefusal(err error) error {
	var e *actionsig.Error
	if errors.As(err, &e) {
		return temporal.NewNonRetryableApplicationError(e.Message, e.Code, nil)
	}
	return err
}
