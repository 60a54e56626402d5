package procure

// The supplier master data's vocabulary and its one rule about a change of status.

// SupplierKinds are the kinds a supplier may be, SupplierStatuses the statuses it may have.
var (
	SupplierKinds    = []string{KindManufacturer, KindDistributor}
	SupplierStatuses = []string{SupplierAdmitted, SupplierSuspended}
)

// ReasonRequired reports whether putting a supplier in status needs a stated reason: a
// suspension does, so that a requester refused the supplier (CheckRequest names the reason) and
// the buyer who may admit it again know why.
func ReasonRequired(status string) bool { return status == SupplierSuspended }
