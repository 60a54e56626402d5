package policy

import (
	"encoding/json"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestDurationString(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{4 * time.Hour, "4h"},
		{16 * time.Hour, "16h"},
		{30 * time.Minute, "30m"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + 30*time.Second, "1h0m30s"},
		{45 * time.Second, "45s"},
		{0, "0s"},
	}
	for _, tt := range tests {
		if got := Duration(tt.d).String(); got != tt.want {
			t.Errorf("Duration(%v).String() = %q, want %q", tt.d, got, tt.want)
		}
		back, err := ParseDuration(tt.want)
		if err != nil || back.D() != tt.d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.want, back.D(), err, tt.d)
		}
	}
}

func TestDurationJSONAndYAML(t *testing.T) {
	type chain struct {
		SLA Duration `json:"sla" yaml:"sla"`
	}
	var c chain
	if err := json.Unmarshal([]byte(`{"sla":"16h"}`), &c); err != nil || c.SLA.D() != 16*time.Hour {
		t.Errorf("JSON 16h = %v, %v", c.SLA.D(), err)
	}
	if err := yaml.Unmarshal([]byte("sla: 30m"), &c); err != nil || c.SLA.D() != 30*time.Minute {
		t.Errorf("YAML 30m = %v, %v", c.SLA.D(), err)
	}
	b, err := json.Marshal(chain{SLA: Duration(4 * time.Hour)})
	if err != nil || string(b) != `{"sla":"4h"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	y, err := yaml.Marshal(chain{SLA: Duration(4 * time.Hour)})
	if err != nil || string(y) != "sla: 4h\n" {
		t.Errorf("YAML Marshal = %q, %v", y, err)
	}
	for _, bad := range []string{`{"sla":14400}`, `{"sla":"4 hours"}`, `{"sla":""}`} {
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("JSON %s: no error", bad)
		}
	}
	for _, bad := range []string{"sla: four", "sla: [4h]", "sla: 4"} {
		if err := yaml.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("YAML %q: no error", bad)
		}
	}
}
