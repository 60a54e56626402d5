package demo

import (
	"context"
	"errors"
	"fmt"

	"signoff/store"
)

// generalManager set the registry up.
const generalManager = "zhao.qiang"

// SeedRegistry writes the demo's registry: the center's director and dispatcher, the
// representatives and leaders of production, quality, engineering, warehouse (materials),
// finance and sales (planning) from 2026-01-01, and a sales representative whose post ended on
// 2026-06-30. A post that overlaps one the person already holds is left out, and so is a
// person the policy does not know; the store's overlap check makes two seeds running at once
// add each post once.
func SeedRegistry(ctx context.Context, s *store.Store) error {
	for _, p := range registry {
		if err := addPost(ctx, s, p); err != nil {
			return fmt.Errorf("seed registry demo: %w", err)
		}
	}
	return nil
}

// addPost gives a demo post unless it overlaps one already given, and ends it on its last day
// the way a person would, so that the registry says who ended it.
func addPost(ctx context.Context, s *store.Store, p demoPost) error {
	post, err := s.AddPost(ctx, generalManager, store.NewPost{UserID: p.user, Post: p.post,
		DepartmentID: p.department, ValidFrom: day(p.from), Note: p.note})
	var overlap *store.PostOverlapError
	switch {
	case errors.As(err, &overlap), errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if p.to != "" {
		if _, err := s.EndPost(ctx, generalManager, post.ID, day(p.to)); err != nil {
			return err
		}
	}
	return nil
}

type demoPost struct {
	user, post, department string
	from, to               string // days; to "" is open-ended
	note                   string
}

const from2026 = "2026-01-01"

var registry = []demoPost{
	{"zheng.yu", store.PostCenterDirector, "", from2026, "", "总经理办公室"},
	{"liu.yang", store.PostCenterDispatcher, "", from2026, "", ""},
	{"huang.lei", store.PostRepresentative, "engineering", from2026, "", "工艺"},
	{"xu.jing", store.PostRepresentative, "engineering", from2026, "", "设计"},
	{"he.ping", store.PostRepresentative, "warehouse", from2026, "", "物资"},
	{"zhou.jie", store.PostRepresentative, "finance", from2026, "", ""},
	{"li.na", store.PostRepresentative, "sales", from2026, "", "计划"},
	{"zhang.wei", store.PostRepresentative, "sales", from2026, "2026-06-30", "计划，已由李娜接任"},
	{"chen.gang", store.PostDepartmentLeader, "engineering", from2026, "", ""},
	{"guo.hua", store.PostDepartmentLeader, "warehouse", from2026, "", ""},
	{"qian.li", store.PostDepartmentLeader, "finance", from2026, "", ""},
	{"wang.fang", store.PostDepartmentLeader, "sales", from2026, "", ""},
	{"tian.yu", store.PostRepresentative, "production", from2026, "", "总装"},
	{"lu.qing", store.PostRepresentative, "quality", from2026, "", "检验"},
	{"ma.jun", store.PostDepartmentLeader, "production", from2026, "", ""},
	{"cao.min", store.PostDepartmentLeader, "quality", from2026, "", ""},
}
