package service

import (
	"crypto/rand"
	"fmt"

	"go.temporal.io/sdk/client"

	"signoff/workflows"
)

// actionUpdate is the Update that carries a person's action to a workflow, signed (package
// actionsig) so the workflow can tell it came from a gateway: its arguments are the action and
// its proof. The proof binds the Update ID, so one is always set: updateID when the caller keys
// the request (a retry is then the same Update), else a fresh random one.
func (s *Service) actionUpdate(workflowID, update, updateID string, action any) (client.UpdateWorkflowOptions, error) {
	if updateID == "" {
		updateID = "once/" + rand.Text()
	}
	subject, ok := workflows.ActionSubject(workflowID, updateID, update, action)
	if !ok {
		return client.UpdateWorkflowOptions{}, fmt.Errorf("sign %s: %T is not an action", update, action)
	}
	proof, err := s.signer.Sign(subject, s.now())
	if err != nil {
		return client.UpdateWorkflowOptions{}, fmt.Errorf("sign %s: %w", update, err)
	}
	return client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateID: updateID, UpdateName: update,
		Args: []any{action, proof}, WaitForStage: client.WorkflowUpdateStageCompleted}, nil
}
