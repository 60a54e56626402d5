package testkit

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"signoff/actionsig"
	"signoff/workflows"
)

// TestSigningKeyID is the ID of the key SigningKeys signs with.
const TestSigningKeyID = "test-1"

var (
	testKeyOnce sync.Once
	testKey     actionsig.Key
)

// TestSigningKey is the action-signing key of this test binary, random, made once: the stack's
// service signs with it and its workers verify with it, as gateways and workers share
// actions.signing_keys.
func TestSigningKey() actionsig.Key {
	testKeyOnce.Do(func() { testKey = actionsig.Key{ID: TestSigningKeyID, Secret: rand.Text() + rand.Text()} })
	return testKey
}

// SigningKeys is a keyring of TestSigningKey alone.
func SigningKeys() *actionsig.Keyring {
	k, err := actionsig.NewKeyring([]actionsig.Key{TestSigningKey()}, TestSigningKeyID)
	if err != nil {
		panic(err) // TestSigningKey is always a valid key
	}
	return k
}

// SignedUpdate is the Update that carries action to workflow id as Update update, signed with
// SigningKeys the way the gateway signs, under a fresh Update ID: what a test that drives a
// stack's workflows directly sends.
func SignedUpdate(id, update string, action any) (client.UpdateWorkflowOptions, error) {
	updateID := "test/" + rand.Text()
	s, ok := workflows.ActionSubject(id, updateID, update, action)
	if !ok {
		return client.UpdateWorkflowOptions{}, fmt.Errorf("sign %s: %T is not an action", update, action)
	}
	p, err := SigningKeys().Sign(s, time.Now())
	if err != nil {
		return client.UpdateWorkflowOptions{}, fmt.Errorf("sign %s: %w", update, err)
	}
	return client.UpdateWorkflowOptions{WorkflowID: id, UpdateID: updateID, UpdateName: update,
		Args: []any{action, p}, WaitForStage: client.WorkflowUpdateStageCompleted}, nil
}
