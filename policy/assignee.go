package policy

import (
	"fmt"
	"strings"
)

// Assignee specs of a step template.
const (
	AssignDepartmentHead  = "department_head"  // the head of the case's department
	AssignRolePrefix      = "role:"            // "role:reviewer": every holder of the role
	AssignDeptRolePrefix  = "department_role:" // "department_role:witness": holders in the case's department
	AssignDepartmentHeads = "department_heads" // the heads of the step's Departments (会签)
)

// RequesterDepartment in a step's Departments stands for the case's own department.
const RequesterDepartment = "requester"

// Level resolutions.
const (
	ResolveDepartmentHead = "department_head"
	ResolveRole           = "role"
)

// Over-budget handling of a chain.
const (
	OverBudgetRefuse = "refuse"
	OverBudgetRoute  = "route"
)

// assigneeSpec is a parsed StepTemplate.Assignee.
type assigneeSpec struct {
	kind        string // AssignDepartmentHead, AssignDepartmentHeads, "role" or "department_role"
	role        Role
	departments []string // AssignDepartmentHeads: the departments, RequesterDepartment for the case's
}

func parseAssignee(s string) (assigneeSpec, error) {
	switch {
	case s == AssignDepartmentHead:
		return assigneeSpec{kind: AssignDepartmentHead}, nil
	case s == AssignDepartmentHeads:
		return assigneeSpec{kind: AssignDepartmentHeads}, nil
	case strings.HasPrefix(s, AssignRolePrefix) && len(s) > len(AssignRolePrefix):
		return assigneeSpec{kind: "role", role: Role(strings.TrimPrefix(s, AssignRolePrefix))}, nil
	case strings.HasPrefix(s, AssignDeptRolePrefix) && len(s) > len(AssignDeptRolePrefix):
		return assigneeSpec{kind: "department_role", role: Role(strings.TrimPrefix(s, AssignDeptRolePrefix))}, nil
	}
	return assigneeSpec{}, fmt.Errorf("assignee %q is not department_head, department_heads, role:<role> or department_role:<role>", s)
}
