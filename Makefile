# Signoff developer entry points. Every recipe runs with the Go toolchain that is
# installed (GOTOOLCHAIN=local): builds must never try to download another one.
export GOTOOLCHAIN := local

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go

TEMPORAL := bin/temporal
WORKFLOWCHECK := bin/workflowcheck
# The tools are rebuilt only when missing or when the tools module's pins change.
TOOLS_PINS := tools/go.mod tools/go.sum tools/tools.go

.PHONY: tools postgres browser run reset test bench bench-web bench-kpi fmt vet clean

tools: $(TEMPORAL) $(WORKFLOWCHECK)

# go build leaves an up-to-date binary untouched, so touch it for make's timestamps.
# The CLI's version is stamped from tools/go.mod, as its release builds do.
$(TEMPORAL): $(TOOLS_PINS)
	cd tools && version=$$($(GO) list -m -f '{{.Version}}' github.com/temporalio/cli) && \
		$(GO) build -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$${version#v}" \
			-o ../$@ github.com/temporalio/cli/cmd/temporal
	@touch $@

$(WORKFLOWCHECK): $(TOOLS_PINS)
	cd tools && $(GO) build -o ../$@ go.temporal.io/sdk/contrib/tools/workflowcheck
	@touch $@

postgres:
	bash scripts/ensure-postgres.sh

# Headless Chromium and a CJK font for the browser tests, from Debian when missing.
browser:
	bash scripts/ensure-chromium.sh

run: tools postgres
	$(GO) build -o bin/signoff ./cmd/signoff
	bin/signoff dev

# Forgets everything `make run` stored: the dev database and the Temporal dev server's data go
# together, since business numbers are workflow IDs.
reset: postgres
	rm -rf .signoff
	psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS signoff WITH (FORCE)'

test: tools postgres browser
	bash scripts/test.sh

# Drives the stack that `make run` started; BENCH_ARGS e.g. "-n 500 -c 20".
bench: tools
	$(GO) build -o bin/signoff ./cmd/signoff
	bin/signoff bench $(BENCH_ARGS)

# Inbox and case page render times over 100,000 generated cases in their own database.
bench-web: postgres
	$(GO) build -o bin/signoff ./cmd/signoff
	bin/signoff bench-web $(BENCH_ARGS)

# Quarterly completion rates over 1,000,000 generated production problems in their own database.
bench-kpi: postgres
	$(GO) build -o bin/signoff ./cmd/signoff
	bin/signoff bench-kpi $(BENCH_ARGS)

fmt:
	$(GO) fmt ./...

vet:
	$(GO) vet ./...

# Removes build outputs and test artifacts; the dev server's data (.signoff/) is kept.
clean:
	rm -rf bin artifacts
