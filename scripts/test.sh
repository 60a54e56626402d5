#!/usr/bin/env bash
# Runs every check CI runs: formatting, go vet, workflowcheck, then all tests
# against the local PostgreSQL and a Temporal dev server started by the tests.
# Expects `make tools postgres` first (make test does both). The full go test log is
# kept in artifacts/go-test.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GOTOOLCHAIN=local

fail() {
	echo "test.sh: $*" >&2
	exit 1
}

go_files() {
	find . \( -path ./bin -o -path ./.signoff -o -path ./artifacts -o -name node_modules \
		-o -name testdata -o -name vendor -o -path './.*' ! -path . \) -prune \
		-o -type f -name '*.go' -print0
}

echo "== gofmt"
unformatted=$(go_files | xargs -0 -r gofmt -l)
if [[ -n $unformatted ]]; then
	fail "these files need gofmt -w:"$'\n'"$unformatted"
fi

echo "== go vet"
go vet ./...

if [[ -d workflows ]] && [[ -n $(find workflows -name '*.go' -print -quit) ]]; then
	echo "== workflowcheck"
	[[ -x bin/workflowcheck ]] || fail "bin/workflowcheck missing: run make tools"
	bin/workflowcheck ./workflows/...
fi

echo "== go test"
[[ -x bin/temporal ]] || fail "bin/temporal missing: run make tools"
export SIGNOFF_TEMPORAL_CLI=$PWD/bin/temporal
export SIGNOFF_TEST_DATABASE_URL=${SIGNOFF_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/signoff_test?sslmode=disable}

mkdir -p artifacts
log=artifacts/go-test.log
# -v so that every test is counted below; the console leaves out the RUN/PAUSE/CONT
# chatter and passing subtests but keeps top-level results, all failure output and
# the per-package ok/FAIL lines.
# Two packages at a time: the machines have two cores.
set +e
go test -count=1 -p 2 -timeout 40m -v ./... 2>&1 | tee "$log" | grep -Ev '^(=== (RUN|PAUSE|CONT|NAME)|    +--- PASS: )'
status=${PIPESTATUS[0]}
set -e

passed=$(grep -Ec '^ *--- PASS: ' "$log" || true)
failed=$(grep -Ec '^ *--- FAIL: ' "$log" || true)
skipped=$(grep -Ec '^ *--- SKIP: ' "$log" || true)
echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [[ $status -ne 0 ]]; then
	fail "go test failed (exit $status); full log in $log"
fi

# Every fuzz target (func FuzzX in a _test.go file) for a bounded time on top of its committed
# corpus, which go test above already ran as ordinary tests. A finding fails the run; go test
# writes the input under the package's testdata/fuzz/, to commit as a regression case once fixed.
echo "== fuzz"
fuzztime=${FUZZTIME:-30s}
while IFS=: read -r file name; do
	pkg=$(dirname "$file")
	echo "fuzz $name ($pkg, $fuzztime)"
	go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg" >>"$log" 2>&1 ||
		fail "fuzz $name in $pkg failed; see $log"
done < <(go_files | xargs -0 grep -Ho '^func Fuzz[A-Za-z0-9_]*' | grep '_test\.go:' | sed 's/:func /:/' | sort)
