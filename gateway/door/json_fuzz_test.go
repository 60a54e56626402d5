package door_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"signoff/gateway/door"
	"signoff/service"
	"signoff/text"
)

// The request decoders of every JSON endpoint, fuzzed. Each input is an endpoint's index and a
// body; the body is decoded with door.DecodeJSONBytes (what door.DecodeJSON does after reading
// the body) into that endpoint's input. Whatever the bytes, decoding never panics, every refusal
// is a classified 4xx, and whatever is accepted holds only text the text rule allows, with its
// amounts readable by the service's parsers without panicking.

// endpoints are the JSON endpoints' inputs, one per decoding call in gateway/api and
// gateway/auth.go, named by route.
var endpoints = []struct {
	route string
	input func() any
}{
	{"POST /auth/login", func() any { return new(loginRequest) }},
	{"POST /cases/{id}/actions/{action}", func() any { return new(service.ActionInput) }},
	{"POST /delegations", func() any { return new(service.DelegationInput) }},
	{"POST /expenses, /expenses/route-preview", func() any { return new(service.ClaimInput) }},
	{"POST /orders/{id}/deliveries", func() any { return new(service.DeliveryInput) }},
	{"POST /orders/{id}/invoice", func() any { return new(service.InvoiceInput) }},
	{"POST /return-tasks/{id}/resolve", func() any { return new(service.ReturnResolution) }},
	{"POST /problems", func() any { return new(service.ProblemInput) }},
	{"POST /problems/{id}/actions/{action}", func() any { return new(service.ProblemActionInput) }},
	{"POST /meetings", func() any { return new(service.MeetingInput) }},
	{"POST /purchase-requests, /purchase-requests/route-preview", func() any { return new(service.PurchaseInput) }},
	{"POST /representatives", func() any { return new(service.PostInput) }},
	{"POST /representatives/{id}/end", func() any { return new(service.EndPostInput) }},
	{"POST /suppliers", func() any { return new(service.SupplierInput) }},
	{"PATCH /suppliers/{id}", func() any { return new(service.SupplierPatch) }},
	{"POST /suppliers/{id}/status", func() any { return new(service.SupplierStatusInput) }},
	{"POST /suppliers/{id}/certificates", func() any { return new(service.CertificateInput) }},
}

// loginRequest mirrors the sign-in body of gateway/auth.go, which is not exported.
type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// FuzzDecodeRequests: run with go test ./gateway/door -run '^$' -fuzz FuzzDecodeRequests.
func FuzzDecodeRequests(f *testing.F) {
	seeds := []string{
		`{}`, `{"purpose":"差旅","category":"travel","budget_line_id":"2026-sales-travel","lines":[{"description":"出租车","amount":"12.50","spent_on":"2026-11-02"}]}`,
		`{"lines":[{"amount":"1.00","amount":"99999.00"}]}`, `{"Purpose":"x"}`, `{"purpose":"\u0000"}`, `{"purpose":"\ud800"}`,
		"{\"purpose\":\"\xff\"}", `{"revision":3,"comment":"同意"}`, `{"user":"zhang.wei","password":"signoff"}`,
		`{"amount":1e400}`, `[]`, `null`, `{"a":`, `{"lines":[{"amount":-5}]}`,
	}
	for i := range endpoints {
		for _, s := range seeds {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, endpoint uint8, body []byte) {
		e := endpoints[int(endpoint)%len(endpoints)]
		dst := e.input()
		err := door.DecodeJSONBytes(body, dst)
		if err != nil {
			if c := door.Classify(err); c.Status < 400 || c.Status >= 500 {
				t.Fatalf("%s: %q refused as %d %s (%v)", e.route, body, c.Status, c.Code, err)
			}
			return
		}
		checkDecoded(t, e.route, reflect.ValueOf(dst))
	})
}

var amountType = reflect.TypeFor[service.AmountText]()

// checkDecoded walks an accepted input: every string obeys the text rule, and every amount
// parses (or is refused) without a panic.
func checkDecoded(t *testing.T, route string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkDecoded(t, route, v.Elem())
		}
	case reflect.String:
		if !text.Valid(v.String()) {
			t.Fatalf("%s: accepted text %q that the text rule refuses", route, v.String())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			checkDecoded(t, route, v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			checkDecoded(t, route, it.Key())
			checkDecoded(t, route, it.Value())
		}
	case reflect.Struct:
		if v.Type() == amountType {
			a := v.Interface().(service.AmountText)
			_, _ = service.ParseAmount(a)
			_, _ = service.ParseQuantity(a)
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				checkDecoded(t, route, v.Field(i))
			}
		}
	}
}

// TestFuzzCoversEveryEndpoint: every input a JSON handler decodes (in gateway/api and the
// sign-in) is in the fuzzed table, so a new endpoint cannot be left out of it.
func TestFuzzCoversEveryEndpoint(t *testing.T) {
	fuzzed := map[string]bool{}
	for _, e := range endpoints {
		fuzzed[reflect.TypeOf(e.input()).Elem().Name()] = true
	}
	files, err := filepath.Glob("../api/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no handlers found: %v", err)
	}
	decoded := regexp.MustCompile(`var in (?:service\.)?(\w+)\s+if err := door\.DecodeJSON\(r, &in\)`)
	found := 0
	for _, f := range append(files, "../auth.go") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decoded.FindAllSubmatch(src, -1) {
			found++
			if !fuzzed[string(m[1])] {
				t.Errorf("%s decodes %s, which FuzzDecodeRequests does not fuzz", f, m[1])
			}
		}
	}
	if calls := strings.Count(strings.Join(readAll(t, append(files, "../auth.go")), ""), "door.DecodeJSON("); calls != found {
		t.Errorf("%d calls of door.DecodeJSON, %d of them recognised: decode into a `var in T` declared just before", calls, found)
	}
}

func readAll(t *testing.T, files []string) []string {
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}
