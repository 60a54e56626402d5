package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/viper"
)

// defaults is the configuration with nothing set, spelled out so that a change to
// a default is a deliberate edit here too.
var defaults = Config{
	Database: DatabaseConfig{URL: "postgres://postgres@127.0.0.1:5432/signoff?sslmode=disable", MaxConns: 20},
	Temporal: TemporalConfig{Address: "127.0.0.1:7233", Namespace: "default", TaskQueue: "signoff", UIURL: "http://127.0.0.1:8233", GRPCCompression: CompressionNone},
	Dev:      DevConfig{TemporalCLI: "bin/temporal", DataDir: ".signoff", TemporalPort: 7233, UIPort: 8233, Demo: true},
	Gateway: GatewayConfig{
		Addr: "127.0.0.1:8080", PublicURL: "http://127.0.0.1:8080", MaxBodyBytes: 1 << 20, MaxUploadBytes: 10 << 20,
		ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second,
		ShutdownTimeout: 10 * time.Second, ActionTimeout: 20 * time.Second,
	},
	Auth: AuthConfig{TokenTTL: 12 * time.Hour, IdleTimeout: 30 * time.Minute, MaxFailures: 5, MaxAddressFailures: 20,
		FailureWindow: 15 * time.Minute, Lockout: 15 * time.Minute, MinPasswordLength: 12,
		OIDC: OIDCConfig{Scopes: "openid email profile", UserClaim: OIDCEmailClaim}},
	Policy: PolicyConfig{},
	Worker: WorkerConfig{MaxConcurrentActivities: 50, MaxConcurrentWorkflowTasks: 50},
	Notify: NotifyConfig{
		SMTP:    SMTPConfig{Port: 25, From: "signoff@localhost", TLS: SMTPStartTLS},
		Timeout: 10 * time.Second,
	},
	Payment: PaymentConfig{Mode: PaymentManual},
	Log:     LogConfig{Level: "info", Format: "text"},
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "signoff.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	const file = `
database:
  url: postgres://app@db.internal:5432/signoff
  max_conns: 5
gateway:
  addr: 0.0.0.0:9090
  read_timeout: 1m
notify:
  smtp:
    host: mail.internal
    port: 587
log:
  level: debug
`
	tests := []struct {
		name    string
		file    string // YAML content; empty = no file
		environ []string
		want    func(c *Config) // edits applied to defaults
	}{
		{
			name: "defaults",
			want: func(*Config) {},
		},
		{
			name: "file overrides defaults",
			file: file,
			want: func(c *Config) {
				c.Database.URL = "postgres://app@db.internal:5432/signoff"
				c.Database.MaxConns = 5
				c.Gateway.Addr = "0.0.0.0:9090"
				c.Gateway.ReadTimeout = time.Minute
				c.Notify.SMTP.Host = "mail.internal"
				c.Notify.SMTP.Port = 587
				c.Log.Level = "debug"
			},
		},
		{
			name: "environment overrides file",
			file: file,
			environ: []string{
				"SIGNOFF_DATABASE_URL=postgres://env@db2:5432/signoff",
				"SIGNOFF_GATEWAY_ADDR=127.0.0.1:7000",
				"SIGNOFF_GATEWAY_READ_TIMEOUT=5s",
				"SIGNOFF_NOTIFY_SMTP_PORT=2525",
				"SIGNOFF_DEV_DEMO=false",
				"SIGNOFF_WORKER_MAX_CONCURRENT_ACTIVITIES=7",
			},
			want: func(c *Config) {
				c.Database.URL = "postgres://env@db2:5432/signoff"
				c.Database.MaxConns = 5
				c.Gateway.Addr = "127.0.0.1:7000"
				c.Gateway.ReadTimeout = 5 * time.Second
				c.Notify.SMTP.Host = "mail.internal"
				c.Notify.SMTP.Port = 2525
				c.Dev.Demo = false
				c.Worker.MaxConcurrentActivities = 7
				c.Log.Level = "debug"
			},
		},
		{
			name:    "environment overrides defaults without a file",
			environ: []string{"SIGNOFF_TEMPORAL_TASK_QUEUE=other", "SIGNOFF_AUTH_TOKEN_TTL=1h"},
			want: func(c *Config) {
				c.Temporal.TaskQueue = "other"
				c.Auth.TokenTTL = time.Hour
			},
		},
		{
			name:    "empty environment variable counts as unset",
			file:    file,
			environ: []string{"SIGNOFF_GATEWAY_ADDR="},
			want: func(c *Config) {
				c.Database.URL = "postgres://app@db.internal:5432/signoff"
				c.Database.MaxConns = 5
				c.Gateway.Addr = "0.0.0.0:9090"
				c.Gateway.ReadTimeout = time.Minute
				c.Notify.SMTP.Host = "mail.internal"
				c.Notify.SMTP.Port = 587
				c.Log.Level = "debug"
			},
		},
		{
			name:    "DATABASE_URL used when SIGNOFF_DATABASE_URL unset",
			environ: []string{"DATABASE_URL=postgres://plain@db:5432/x"},
			want:    func(c *Config) { c.Database.URL = "postgres://plain@db:5432/x" },
		},
		{
			name:    "DATABASE_URL overrides the file too",
			file:    "database:\n  url: postgres://file@db:5432/x\n",
			environ: []string{"DATABASE_URL=postgres://plain@db:5432/x"},
			want:    func(c *Config) { c.Database.URL = "postgres://plain@db:5432/x" },
		},
		{
			name:    "SIGNOFF_DATABASE_URL wins over DATABASE_URL",
			environ: []string{"DATABASE_URL=postgres://plain@db:5432/x", "SIGNOFF_DATABASE_URL=postgres://signoff@db:5432/y"},
			want:    func(c *Config) { c.Database.URL = "postgres://signoff@db:5432/y" },
		},
		{
			name:    "process variables that are not keys are ignored",
			environ: []string{"SIGNOFF_TEMPORAL_CLI=/elsewhere/temporal", "SIGNOFF_TEST_DATABASE_URL=postgres://x@y/z", "PATH=/bin"},
			want:    func(*Config) {},
		},
		{
			name: "keys are case-insensitive in the file",
			file: "Temporal:\n  Namespace: prod\n",
			want: func(c *Config) { c.Temporal.Namespace = "prod" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, tt.file)
			}
			got, err := Load(path, tt.environ)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := defaults
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestLoadFileFromEnvironment(t *testing.T) {
	fromEnv := writeFile(t, "temporal:\n  namespace: from-env\n")
	fromFlag := writeFile(t, "temporal:\n  namespace: from-flag\n")

	got, err := Load("", []string{EnvConfigFile + "=" + fromEnv})
	if err != nil {
		t.Fatal(err)
	}
	if got.Temporal.Namespace != "from-env" {
		t.Errorf("SIGNOFF_CONFIG not read: namespace = %q", got.Temporal.Namespace)
	}

	got, err = Load(fromFlag, []string{EnvConfigFile + "=" + fromEnv})
	if err != nil {
		t.Fatal(err)
	}
	if got.Temporal.Namespace != "from-flag" {
		t.Errorf("--config does not win over SIGNOFF_CONFIG: namespace = %q", got.Temporal.Namespace)
	}
}

func TestLoadRefuses(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.yaml")
	tests := []struct {
		name    string
		path    string
		file    string
		environ []string
		wantErr []string // substrings the error must contain
	}{
		{name: "missing explicit file", path: missing, wantErr: []string{"absent.yaml"}},
		{name: "missing file named by SIGNOFF_CONFIG", environ: []string{EnvConfigFile + "=" + missing}, wantErr: []string{"absent.yaml"}},
		{name: "unknown top-level key", file: "databse:\n  url: postgres://x@y/z\n", wantErr: []string{"databse"}},
		{name: "unknown nested key", file: "gateway:\n  adr: 0.0.0.0:1\n", wantErr: []string{"adr"}},
		{name: "unknown deeply nested key", file: "notify:\n  smtp:\n    pasword: x\n", wantErr: []string{"pasword"}},
		{name: "malformed YAML", file: "gateway: [\n", wantErr: []string{"signoff.yaml"}},
		{name: "wrong type in file", file: "database:\n  max_conns: many\n", wantErr: []string{"max_conns"}},
		{name: "duration without unit in file", file: "gateway:\n  read_timeout: 15\n", wantErr: []string{"read_timeout", "unit"}},
		{name: "bad duration in environment", environ: []string{"SIGNOFF_NOTIFY_TIMEOUT=soon"}, wantErr: []string{"timeout"}},
		{name: "bad number in environment", environ: []string{"SIGNOFF_DEV_UI_PORT=eighty"}, wantErr: []string{"ui_port"}},
		{name: "invalid value is validated", environ: []string{"SIGNOFF_LOG_LEVEL=loud"}, wantErr: []string{"log.level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if tt.file != "" {
				path = writeFile(t, tt.file)
			}
			_, err := Load(path, tt.environ)
			if err == nil {
				t.Fatal("Load succeeded, want error")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

// TestKeysMatchConfig keeps the key list (defaults, env names, REFERENCE.md) and
// the Config struct in step: same keys, same order.
func TestKeysMatchConfig(t *testing.T) {
	var fromStruct []string
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, prefix string) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			name := prefix + f.Tag.Get("mapstructure")
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Duration]() {
				walk(f.Type, name+".")
				continue
			}
			fromStruct = append(fromStruct, name)
		}
	}
	walk(reflect.TypeFor[Config](), "")

	var fromKeys []string
	for _, k := range Reference() {
		fromKeys = append(fromKeys, k.Name)
	}
	if !reflect.DeepEqual(fromStruct, fromKeys) {
		t.Errorf("Config fields and keys differ:\nstruct %v\nkeys   %v", fromStruct, fromKeys)
	}
}

// TestExampleConfig keeps deploy/config.example.yaml loadable and complete.
func TestExampleConfig(t *testing.T) {
	const path = "../deploy/config.example.yaml"
	if _, err := Load(path, nil); err != nil {
		t.Fatalf("example does not load: %v", err)
	}
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		t.Fatal(err)
	}
	for _, k := range Reference() {
		if !v.InConfig(k.Name) {
			t.Errorf("%s does not show %s", path, k.Name)
		}
	}
}
