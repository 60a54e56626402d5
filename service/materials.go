package service

import (
	"context"
	"fmt"

	"signoff/procure"
	"signoff/store"
)

// Materials (物料) and purchase plans (采购计划): reference data everyone signed in may read, and
// the catalogue the order views and the receiving check name materials from.

// MaterialList is every material, by ID.
type MaterialList struct {
	Items []procure.Material `json:"items"`
}

// PlanList is the purchase plans asked for, with their lines.
type PlanList struct {
	Items []store.Plan `json:"items"`
}

// Materials lists every material.
func (s *Service) Materials(ctx context.Context) (MaterialList, error) {
	list, err := s.store.Materials(ctx)
	if err != nil {
		return MaterialList{}, fmt.Errorf("list materials: %w", err)
	}
	if list == nil {
		list = []procure.Material{}
	}
	return MaterialList{Items: list}, nil
}

// Plans lists the purchase plans of a department of the policy, or of every department when
// department is "".
func (s *Service) Plans(ctx context.Context, department string) (PlanList, error) {
	if department != "" {
		_, doc, err := s.policies.Latest(ctx)
		if err != nil {
			return PlanList{}, Internal(fmt.Errorf("list plans: %w", err))
		}
		if _, ok := doc.Department(department); !ok {
			return PlanList{}, FieldErrors{"department": {Key: "unknown_department", Args: []any{department}}}.Err()
		}
	}
	list, err := s.store.Plans(ctx, department)
	if err != nil {
		return PlanList{}, fmt.Errorf("list plans: %w", err)
	}
	return PlanList{Items: list}, nil
}

// materialsByID is the catalogue by material ID.
func (s *Service) materialsByID(ctx context.Context) (map[string]procure.Material, error) {
	list, err := s.store.Materials(ctx)
	if err != nil {
		return nil, fmt.Errorf("materials: %w", err)
	}
	out := make(map[string]procure.Material, len(list))
	for _, m := range list {
		out[m.ID] = m
	}
	return out, nil
}
