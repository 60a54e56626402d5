package policy

import (
	"encoding/json"
	"errors"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in      string
		want    Money
		wantErr error
	}{
		{"0", 0, nil},
		{"5000", 500000, nil},
		{"5000.5", 500050, nil},
		{"5000.50", 500050, nil},
		{"5000.05", 500005, nil},
		{"0.01", 1, nil},
		{"007.10", 710, nil},
		{"999999999999.99", MaxMoney, nil},
		{"000999999999999.99", MaxMoney, nil},
		{"1000000000000", 0, ErrMoneyRange},
		{"999999999999999999999999", 0, ErrMoneyRange},
		{"5000.001", 0, ErrMoneyDecimals},
		{"5000.500", 0, ErrMoneyDecimals},
		{"", 0, ErrMoneyFormat},
		{"-5", 0, ErrMoneyFormat},
		{"+5", 0, ErrMoneyFormat},
		{"5.", 0, ErrMoneyFormat},
		{".5", 0, ErrMoneyFormat},
		{"1,000.00", 0, ErrMoneyFormat},
		{"1e5", 0, ErrMoneyFormat},
		{" 5", 0, ErrMoneyFormat},
		{"5 ", 0, ErrMoneyFormat},
		{"abc", 0, ErrMoneyFormat},
		{"5.a", 0, ErrMoneyFormat},
		{"1.2.3", 0, ErrMoneyFormat},
		{"５", 0, ErrMoneyFormat}, // full-width digit
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMoney(tt.in)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("ParseMoney(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseMoney(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestMoneyErrorsAreDistinct(t *testing.T) {
	errs := []error{ErrMoneyFormat, ErrMoneyDecimals, ErrMoneyRange}
	for i, a := range errs {
		for j, b := range errs {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v matches %v", a, b)
			}
		}
	}
}

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		m            Money
		human, plain string
	}{
		{0, "0.00", "0.00"},
		{1, "0.01", "0.01"},
		{99, "0.99", "0.99"},
		{100000, "1,000.00", "1000.00"},
		{99999, "999.99", "999.99"},
		{1200000, "12,000.00", "12000.00"},
		{500050, "5,000.50", "5000.50"},
		{12345678901, "123,456,789.01", "123456789.01"},
		{MaxMoney, "999,999,999,999.99", "999999999999.99"},
		{-1200000, "-12,000.00", "-12000.00"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.human {
			t.Errorf("Money(%d).String() = %q, want %q", tt.m, got, tt.human)
		}
		if got := tt.m.Plain(); got != tt.plain {
			t.Errorf("Money(%d).Plain() = %q, want %q", tt.m, got, tt.plain)
		}
		if tt.m >= 0 {
			if back, err := ParseMoney(tt.plain); err != nil || back != tt.m {
				t.Errorf("ParseMoney(%q) = %d, %v; want %d", tt.plain, back, err, tt.m)
			}
		}
	}
}

func TestMoneyJSON(t *testing.T) {
	type claim struct {
		Amount Money `json:"amount"`
	}
	tests := []struct {
		in      string
		want    Money
		wantErr error
	}{
		{`{"amount":"5000.50"}`, 500050, nil},
		{`{"amount":"5000"}`, 500000, nil},
		{`{"amount":5000.5}`, 500050, nil},
		{`{"amount":0.29}`, 29, nil}, // 0.29 is 0.28999… as a float64
		{`{"amount":1234567.89}`, 123456789, nil},
		{`{"amount":null}`, 0, nil},
		{`{"amount":5000.555}`, 0, ErrMoneyDecimals},
		{`{"amount":5e3}`, 0, ErrMoneyFormat},
		{`{"amount":-1}`, 0, ErrMoneyFormat},
		{`{"amount":"-1"}`, 0, ErrMoneyFormat},
		{`{"amount":"1000000000000.00"}`, 0, ErrMoneyRange},
		{`{"amount":true}`, 0, ErrMoneyFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var c claim
			err := json.Unmarshal([]byte(tt.in), &c)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if c.Amount != tt.want {
				t.Errorf("amount = %d, want %d", c.Amount, tt.want)
			}
		})
	}
	b, err := json.Marshal(claim{Amount: 1200050})
	if err != nil || string(b) != `{"amount":"12000.50"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}

func TestMoneyYAML(t *testing.T) {
	type line struct {
		Total Money `yaml:"total"`
	}
	tests := []struct {
		in      string
		want    Money
		wantErr error
	}{
		{`total: "5000.50"`, 500050, nil},
		{`total: 5000.50`, 500050, nil},
		{`total: 5000`, 500000, nil},
		{`total: 0.29`, 29, nil},
		{`total: 5000.505`, 0, ErrMoneyDecimals},
		{`total: -5`, 0, ErrMoneyFormat},
		{`total: 1e3`, 0, ErrMoneyFormat},
		{`total: [1]`, 0, ErrMoneyFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var l line
			err := yaml.Unmarshal([]byte(tt.in), &l)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if l.Total != tt.want {
				t.Errorf("total = %d, want %d", l.Total, tt.want)
			}
		})
	}
	out, err := yaml.Marshal(line{Total: 1200000})
	if err != nil {
		t.Fatal(err)
	}
	var back line
	if err := yaml.Unmarshal(out, &back); err != nil || back.Total != 1200000 {
		t.Errorf("YAML round trip of %q = %d, %v", out, back.Total, err)
	}
}
