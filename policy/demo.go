package policy

import _ "embed"

// DemoYAML is the demo organisation and policy (demo.yaml): 示例科技有限公司. Like every policy
// document it carries no passwords; Demo gives its users the dev password.
//
//go:embed demo.yaml
var DemoYAML []byte

// DemoPasswordHash is the bcrypt hash (cost 10) of "signoff", the password of every demo user:
// for dev and the tests only, which load the demo through Demo. Loading the demo seeds each
// user's credential with it once (store.LoadPolicy); a password changed since stays.
const DemoPasswordHash = "$2a$10$iMitch8kCXZTq5llubS5P.8LJC.T4Se2rkO7hba9vhpylDpYK8Xsq"

// Demo returns a fresh copy of the demo document, which the caller may change, its users given
// DemoPasswordHash. It panics if demo.yaml is invalid; a test guarantees it is not.
func Demo() *Document {
	d, err := Load(DemoYAML)
	if err != nil {
		panic("policy: demo.yaml: " + err.Error())
	}
	for i := range d.Users {
		d.Users[i].PasswordHash = DemoPasswordHash
	}
	return d
}
