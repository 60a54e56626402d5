package workflows

import (
	"strings"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"signoff/chain"
	"signoff/policy"
)

// Custom search attributes, upserted by the workflow so operators can find any case in the
// Temporal UI by business number (the workflow ID), kind, department, current step, assignee,
// amount, status and overdue flag. Only IDs and codes: no personal data.
var (
	AttrKind       = temporal.NewSearchAttributeKeyKeyword("CaseKind")
	AttrStatus     = temporal.NewSearchAttributeKeyKeyword("CaseStatus")
	AttrDepartment = temporal.NewSearchAttributeKeyKeyword("Department")
	AttrStep       = temporal.NewSearchAttributeKeyKeyword("CurrentStep")
	AttrAssignees  = temporal.NewSearchAttributeKeyKeywordList("AssigneeIds")
	AttrAmount     = temporal.NewSearchAttributeKeyInt64("AmountMinor")
	AttrOverdue    = temporal.NewSearchAttributeKeyBool("Overdue")
	AttrSeverity   = temporal.NewSearchAttributeKeyKeyword("Severity") // production problems
)

// SearchAttributeTypes lists the attributes for registration with the Temporal namespace.
func SearchAttributeTypes() map[string]enums.IndexedValueType {
	return map[string]enums.IndexedValueType{
		AttrKind.GetName():       enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrStatus.GetName():     enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrDepartment.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrStep.GetName():       enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrAssignees.GetName():  enums.INDEXED_VALUE_TYPE_KEYWORD_LIST,
		AttrAmount.GetName():     enums.INDEXED_VALUE_TYPE_INT,
		AttrOverdue.GetName():    enums.INDEXED_VALUE_TYPE_BOOL,
		AttrSeverity.GetName():   enums.INDEXED_VALUE_TYPE_KEYWORD,
	}
}

// SearchAttributeSchema lists the attributes as typed (zero) values, the form a dev server
// takes them in at start.
func SearchAttributeSchema() temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		AttrKind.ValueSet(""), AttrStatus.ValueSet(""), AttrDepartment.ValueSet(""), AttrStep.ValueSet(""),
		AttrAssignees.ValueSet([]string{}), AttrAmount.ValueSet(0), AttrOverdue.ValueSet(false),
		AttrSeverity.ValueSet(""),
	)
}

// StartSearchAttributes are the attributes a case's workflow starts with: everything operators
// filter on, taken from the route the gateway checked before submitting. The workflow's first
// upsert then carries only what routing changed, usually nothing.
func StartSearchAttributes(kind policy.Kind, department string, amount int64, route policy.Route) temporal.SearchAttributes {
	step, holders := "", []string{}
	if len(route.Steps) > 0 {
		step, holders = route.Steps[0].Key, route.Steps[0].Assignees
	}
	return temporal.NewSearchAttributes(
		AttrKind.ValueSet(string(kind)),
		AttrStatus.ValueSet(string(chain.StatusInProgress)),
		AttrDepartment.ValueSet(department),
		AttrStep.ValueSet(step),
		AttrAssignees.ValueSet(holders),
		AttrAmount.ValueSet(amount),
		AttrOverdue.ValueSet(false),
	)
}

// shownValues reads attributes back in the comparable form runner.publish keeps.
func shownValues(sa temporal.SearchAttributes) map[string]any {
	shown := map[string]any{}
	for _, k := range []temporal.SearchAttributeKeyKeyword{AttrKind, AttrStatus, AttrDepartment, AttrStep, AttrSeverity} {
		if v, ok := sa.GetKeyword(k); ok {
			shown[k.GetName()] = v
		}
	}
	if v, ok := sa.GetKeywordList(AttrAssignees); ok {
		shown[AttrAssignees.GetName()] = strings.Join(v, ",")
	}
	if v, ok := sa.GetInt64(AttrAmount); ok {
		shown[AttrAmount.GetName()] = v
	}
	if v, ok := sa.GetBool(AttrOverdue); ok {
		shown[AttrOverdue.GetName()] = v
	}
	return shown
}
