package activities

import (
	"context"
	"fmt"
	"time"
)

// SealHeadsInput says through which UTC day the daily heads of the ledger are due: the time
// the schedule fired (store.SealDailyHeads never heads a day that is not over).
type SealHeadsInput struct {
	Through time.Time `json:"through"`
}

// SealHeadsResult names the days headed by this run, oldest first.
type SealHeadsResult struct {
	Days []string `json:"days"`
}

// SealDailyHeads writes the daily heads of the ledger (store.SealDailyHeads). Idempotent: a day
// once headed is never written again, so a retry or a second run writes nothing more.
func (a *Activities) SealDailyHeads(ctx context.Context, in SealHeadsInput) (SealHeadsResult, error) {
	heads, err := a.store.SealDailyHeads(ctx, in.Through)
	if err != nil {
		return SealHeadsResult{}, fmt.Errorf("daily heads: %w", err)
	}
	res := SealHeadsResult{Days: []string{}}
	for _, h := range heads {
		res.Days = append(res.Days, h.Day)
	}
	return res, nil
}
