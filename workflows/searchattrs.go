package workflows

import (
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
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
	}
}

// SearchAttributeSchema lists the attributes as typed (zero) values, the form a dev server
// takes them in at start.
func SearchAttributeSchema() temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		AttrKind.ValueSet(""), AttrStatus.ValueSet(""), AttrDepartment.ValueSet(""), AttrStep.ValueSet(""),
		AttrAssignees.ValueSet([]string{}), AttrAmount.ValueSet(0), AttrOverdue.ValueSet(false),
	)
}
