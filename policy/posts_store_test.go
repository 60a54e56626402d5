package policy_test

import (
	"slices"
	"testing"

	"signoff/policy"
	"signoff/store"
)

// The registry's posts are named twice until the store takes its names from policy.Posts: the
// store keeps who holds them, the policy grants capabilities to them. A post the store knows and
// the policy refuses (or the other way) would make a grant impossible or meaningless.
func TestPostsAreTheRegistrys(t *testing.T) {
	got := make([]string, 0, len(policy.Posts()))
	for _, p := range policy.Posts() {
		got = append(got, string(p))
	}
	if !slices.Equal(got, store.RegistryPosts) {
		t.Errorf("policy.Posts() = %v, store.RegistryPosts = %v", got, store.RegistryPosts)
	}
}
