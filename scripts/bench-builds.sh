#!/usr/bin/env bash
# What a change costs on the claim benchmark: the stack that `make run` starts, built at several
# commits, each driven by the same client (`signoff bench -only signoff`, built from the working
# tree) in alternating rounds of one run, every round on a fresh database and Temporal data
# directory, so that a machine warming up or a store growing weighs on every build alike.
#
#   BENCH_REVS="15860ba 99df9b3 HEAD" BENCH_N=200 BENCH_C=10 BENCH_ROUNDS=3 bash scripts/bench-builds.sh
#
# Prints one line per round and build, then the median claims/s and action p99 of each build
# and their ratios to the first build. Needs bin/temporal (make tools) and PostgreSQL.
set -euo pipefail
export GOTOOLCHAIN=local

revs=(${BENCH_REVS:-15860ba 99df9b3 HEAD})
n=${BENCH_N:-200}
c=${BENCH_C:-10}
rounds=${BENCH_ROUNDS:-3}
root=$(git rev-parse --show-toplevel)
work=$root/.bench-builds
pgurl=${BENCH_DATABASE_BASE:-postgres://postgres@127.0.0.1:5432}
db=signoff_bench_builds
port_gw=${BENCH_GATEWAY_PORT:-18180}
port_t=${BENCH_TEMPORAL_PORT:-17233}
port_ui=${BENCH_UI_PORT:-18233}

bash "$root/scripts/ensure-postgres.sh"
[[ -x $root/bin/temporal ]] || { echo "bench-builds: bin/temporal is missing: run make tools" >&2; exit 1; }
mkdir -p "$work"
(cd "$root" && go build -o "$work/client" ./cmd/signoff)

# Build each commit once, from a detached worktree removed afterwards.
for rev in "${revs[@]}"; do
  sha=$(git -C "$root" rev-parse --short "$rev")
  if [[ ! -x $work/$sha/signoff || $rev == HEAD ]]; then
    src=$work/src-$sha
    rm -rf "$src"
    git -C "$root" worktree add -q --detach "$src" "$sha"
    (cd "$src" && go build -o "$work/$sha/signoff" ./cmd/signoff)
    git -C "$root" worktree remove --force "$src"
  fi
done

env_for() {
  echo SIGNOFF_DATABASE_URL="$pgurl/$db?sslmode=disable" \
    SIGNOFF_DEV_TEMPORAL_CLI="$root/bin/temporal" SIGNOFF_DEV_DATA_DIR="$work/data" \
    SIGNOFF_DEV_TEMPORAL_PORT=$port_t SIGNOFF_DEV_UI_PORT=$port_ui \
    SIGNOFF_TEMPORAL_ADDRESS=127.0.0.1:$port_t SIGNOFF_GATEWAY_ADDR=127.0.0.1:$port_gw \
    SIGNOFF_GATEWAY_PUBLIC_URL=http://127.0.0.1:$port_gw SIGNOFF_LOG_LEVEL=warn
}

# one REV: a fresh stack of that build, measured once; prints "claims/s p99-ms".
one() {
  local sha=$1 pid line
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  rm -rf "$work/data"
  env $(env_for) "$work/$sha/signoff" dev >"$work/dev-$sha.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    curl -fsS "http://127.0.0.1:$port_gw/healthz" >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || { echo "bench-builds: $sha's stack exited; see $work/dev-$sha.log" >&2; exit 1; }
    sleep 0.2
  done
  line=$(env $(env_for) "$work/client" bench -only signoff -n "$n" -c "$c" | grep '^signoff ')
  kill -INT $pid
  wait $pid || true
  echo "$line" >&2
  [[ $line == *"failures=0"* ]] || { echo "bench-builds: $sha had failures" >&2; exit 1; }
  awk '{for (i = 1; i <= NF; i++) { if ($i ~ /^claims\/s=/) { sub("claims/s=", "", $i); t = $i }
        if ($i ~ /^p99=/) { sub("p99=", "", $i); sub("ms", "", $i); p = $i } } print t, p}' <<<"$line"
}

declare -A tput p99
shas=()
for rev in "${revs[@]}"; do shas+=("$(git -C "$root" rev-parse --short "$rev")"); done
for ((r = 1; r <= rounds; r++)); do
  order=("${shas[@]}")
  if ((r % 2 == 0)); then order=($(printf '%s\n' "${shas[@]}" | tac)); fi
  for sha in "${order[@]}"; do
    read -r t p < <(one "$sha")
    echo "round $r  $sha  claims/s=$t  action p99=${p}ms"
    tput[$sha]+="$t " p99[$sha]+="$p "
  done
done

med() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
first=${shas[0]}
t0=$(med <<<"${tput[$first]}")
p0=$(med <<<"${p99[$first]}")
echo "median of $rounds rounds (n=$n, c=$c):"
for sha in "${shas[@]}"; do
  t=$(med <<<"${tput[$sha]}")
  p=$(med <<<"${p99[$sha]}")
  awk -v s="$sha" -v t="$t" -v p="$p" -v t0="$t0" -v p0="$p0" \
    'BEGIN {printf "  %s  claims/s=%.1f (%.3fx)  action p99=%.0fms (%.2fx)\n", s, t, t / t0, p, p / p0}'
done
