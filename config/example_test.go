package config_test

import (
	"fmt"
	"os"

	"signoff/config"
)

// A command's main loads the configuration once, makes its logger from it and
// logs it, masked, before passing each part only the sub-config it needs.
func ExampleLoad() {
	environ := []string{"SIGNOFF_DATABASE_URL=postgres://app:s3cret@db:5432/signoff", "SIGNOFF_LOG_LEVEL=warn"}
	cfg, err := config.Load("", environ) // in main: config.Load(*configFlag, os.Environ())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log := config.NewLogger(os.Stderr, cfg.Log)
	log.Info("starting", "config", cfg) // LogValue masks the secrets

	fmt.Println(cfg.Masked().Database.URL)
	fmt.Println(cfg.Gateway.ReadTimeout)
	// Output:
	// postgres://app:xxxxx@db:5432/signoff
	// 15s
}
