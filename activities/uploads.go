package activities

import (
	"context"
	"fmt"
	"time"
)

// StaleUploadAge is how long an upload may wait to be put on a claim before it is deleted: a
// form abandoned half-way leaves its files behind.
const StaleUploadAge = 24 * time.Hour

// DeleteStaleUploads deletes the uploads no claim took within StaleUploadAge and returns how
// many went. Deleting is idempotent.
func (a *Activities) DeleteStaleUploads(ctx context.Context) (int64, error) {
	n, err := a.store.DeleteStaleUploads(ctx, time.Now().Add(-StaleUploadAge))
	if err != nil {
		return 0, fmt.Errorf("delete stale uploads: %w", err)
	}
	return n, nil
}
