package policy

import _ "embed"

// DemoYAML is the demo organisation and policy (demo.yaml): 示例科技有限公司. Every demo user's
// password is "signoff".
//
//go:embed demo.yaml
var DemoYAML []byte

// Demo returns a fresh copy of the demo document, which the caller may change. It panics if
// demo.yaml is invalid; a test guarantees it is not.
func Demo() *Document {
	d, err := Load(DemoYAML)
	if err != nil {
		panic("policy: demo.yaml: " + err.Error())
	}
	return d
}
