package policy

import (
	"slices"
	"sort"
)

// User returns the user with this ID.
func (d *Document) User(id string) (User, bool) {
	for _, u := range d.Users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// Department returns the department with this ID.
func (d *Document) Department(id string) (Department, bool) {
	for _, dep := range d.Departments {
		if dep.ID == id {
			return dep, true
		}
	}
	return Department{}, false
}

// Category returns the category with this ID.
func (d *Document) Category(id string) (Category, bool) {
	for _, c := range d.Categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// BudgetLine returns the budget line with this ID.
func (d *Document) BudgetLine(id string) (BudgetLine, bool) {
	for _, b := range d.BudgetLines {
		if b.ID == id {
			return b, true
		}
	}
	return BudgetLine{}, false
}

// RoleLabel returns the zh-CN label of a role from the catalogue, or the role ID if it has none.
func (d *Document) RoleLabel(r Role) string {
	for _, def := range d.Roles {
		if def.ID == r && def.Label != "" {
			return def.Label
		}
	}
	return string(r)
}

// Holders returns the IDs of the users holding role, sorted.
func (d *Document) Holders(role Role) []string {
	return d.holders(func(User) bool { return true }, role)
}

// DepartmentHolders returns the IDs of the users of department dept (members only, not of its
// sub-departments) holding role, sorted.
func (d *Document) DepartmentHolders(dept string, role Role) []string {
	return d.holders(func(u User) bool { return u.Department == dept }, role)
}

func (d *Document) holders(keep func(User) bool, role Role) []string {
	var ids []string
	for _, u := range d.Users {
		if keep(u) && slices.Contains(u.Roles, role) {
			ids = append(ids, u.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// Superior returns who is above a user: their own superior if the document names one; else the
// head of their department, unless that is the user; else the nearest head up the department
// parents who is not the user. "" means nobody is above (the top of the organisation, or an
// unknown user).
func (d *Document) Superior(userID string) string {
	u, ok := d.User(userID)
	if !ok {
		return ""
	}
	if u.Superior != "" {
		return u.Superior
	}
	seen := map[string]bool{}
	for depID := u.Department; depID != "" && !seen[depID]; {
		seen[depID] = true // a cycle in an unvalidated document must not loop forever
		dep, ok := d.Department(depID)
		if !ok {
			return ""
		}
		if dep.Head != "" && dep.Head != userID {
			return dep.Head
		}
		depID = dep.Parent
	}
	return ""
}

// userName returns the user's name for a sentence, or the ID if the user is unknown.
func (d *Document) userName(id string) string {
	if u, ok := d.User(id); ok && u.Name != "" {
		return u.Name
	}
	return id
}

// departmentName returns the department's name for a sentence, or the ID if it is unknown.
func (d *Document) departmentName(id string) string {
	if dep, ok := d.Department(id); ok && dep.Name != "" {
		return dep.Name
	}
	return id
}
