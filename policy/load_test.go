package policy

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestLoadRefuses(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"empty", "", "the file is empty"},
		{"unknown field", strings.Replace(string(DemoYAML), "currency: CNY", "currency: CNY\ncurrancy: CNY", 1), "field currancy not found"},
		{"unknown nested field", strings.Replace(string(DemoYAML), "goods_only: true", "goods_only: true, godos: 1", 1), "field godos not found"},
		{"two documents", string(DemoYAML) + "\n---\nname: x\n", "more than one YAML document"},
		{"three decimals", strings.Replace(string(DemoYAML), `total: "10000.00"`, `total: "10000.001"`, 1), "more than two decimals"},
		{"bad duration", strings.Replace(string(DemoYAML), "sla: 16h", "sla: 2d", 1), `duration "2d"`},
		{"invalid document", strings.Replace(string(DemoYAML), "currency: CNY", `currency: ""`, 1), "currency is empty"},
		{"not YAML", "name: [", "load policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load() = %v, %v; want an error mentioning %q", d, err, tt.want)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	d := Demo()
	b, err := d.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("$2a$")) {
		t.Error("canonical JSON carries password hashes")
	}
	back, err := FromJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Checksum() != d.Checksum() {
		t.Error("checksum changed across a JSON round trip")
	}
	b2, _ := back.CanonicalJSON()
	if !bytes.Equal(b, b2) {
		t.Error("canonical JSON changed across a JSON round trip")
	}
	// What the store does: json.Marshal gives the same bytes.
	if plain, _ := json.Marshal(d); !bytes.Equal(plain, b) {
		t.Error("json.Marshal differs from CanonicalJSON")
	}
	// Routes agree.
	f := Facts{Kind: KindExpense, Category: "meals", Amount: 300000, Submitter: "zhang.wei"}
	r1, err1 := d.Route(f)
	r2, err2 := back.Route(f)
	j1, _ := json.Marshal(r1)
	j2, _ := json.Marshal(r2)
	if err1 != nil || err2 != nil || !bytes.Equal(j1, j2) {
		t.Errorf("routes differ after a JSON round trip: %v %v\n%s\n%s", err1, err2, j1, j2)
	}
}

func TestFromJSONRefuses(t *testing.T) {
	good, _ := Demo().CanonicalJSON()
	tests := []struct {
		name string
		json string
		want string
	}{
		{"unknown field", strings.Replace(string(good), `"currency":"CNY"`, `"currency":"CNY","colour":"red"`, 1), `unknown field "colour"`},
		{"trailing data", string(good) + `{}`, "trailing data"},
		{"invalid document", strings.Replace(string(good), `"currency":"CNY"`, `"currency":""`, 1), "currency is empty"},
		{"float money", strings.Replace(string(good), `"total":"10000.00"`, `"total":10000.001`, 1), "more than two decimals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromJSON([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("FromJSON() error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestChecksum(t *testing.T) {
	d := Demo()
	sum := d.Checksum()
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		t.Fatalf("Checksum() = %q, want 64 hex digits", sum)
	}
	if Demo().Checksum() != sum {
		t.Error("two loads of the same file differ")
	}
	// Formatting does not count: the same document written out again by yaml.v3.
	out, err := yaml.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load(out)
	if err != nil {
		t.Fatalf("re-marshalled YAML does not load: %v", err)
	}
	if again.Checksum() != sum {
		t.Error("checksum depends on YAML formatting")
	}
	// A rule change does count.
	d.Authority[0].Bands[0].UpTo = money("4000")
	d.Authority[0].Bands[1].Above = *money("4000")
	if d.Checksum() == sum {
		t.Error("checksum did not change with a threshold")
	}
}
