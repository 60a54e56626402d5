#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 to the passwordless user postgres
# and that Signoff's databases exist: installs Debian's postgresql if it is missing,
# starts the cluster if it is down. Idempotent, and silent when nothing was needed.
# Meant for developer and CI machines (run as root, or with sudo), never production.
set -euo pipefail

readonly HOST=127.0.0.1
readonly PORT=5432
readonly DATABASES=(signoff signoff_test)
readonly READY_WAIT_SECONDS=60

say() { echo "ensure-postgres: $*" >&2; }
die() {
	say "$*"
	exit 1
}

as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo -n "$@"
	else
		die "need root to run: $*"
	fi
}

ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$HOST" -p "$PORT"; }

psql_admin() { psql -X -w -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U postgres "$@"; }

can_log_in() { psql_admin -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; }

install_postgres() {
	say "installing PostgreSQL from Debian's packages"
	local log
	log=$(mktemp)
	if ! as_root env DEBIAN_FRONTEND=noninteractive bash -c \
		'apt-get update && apt-get install -y --no-install-recommends postgresql' >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "apt-get install postgresql failed"
	fi
	rm -f "$log"
}

# our_clusters prints "version name status" for each cluster set up on PORT, the
# newest version first (the versions come from /etc/postgresql).
our_clusters() {
	pg_lsclusters -h 2>/dev/null | awk -v port="$PORT" '$3 == port { print $1, $2, $4 }' | sort -rn
}

# start_cluster starts the cluster on PORT, creating one with the newest installed
# server when there is none.
start_cluster() {
	local version cluster status
	read -r version cluster status < <(our_clusters) || true
	if [[ -z ${version:-} ]]; then
		version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -1)
		[[ -n $version ]] || die "no PostgreSQL server under /usr/lib/postgresql"
		cluster=main
		say "creating cluster $version/$cluster on port $PORT"
		as_root pg_createcluster "$version" "$cluster" --port "$PORT" >/dev/null
		status=down
	fi
	if [[ $status != online ]]; then
		say "starting cluster $version/$cluster"
		as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
	fi
}

wait_ready() {
	local deadline=$((SECONDS + READY_WAIT_SECONDS))
	until ready; do
		((SECONDS < deadline)) || die "PostgreSQL not ready on $HOST:$PORT after ${READY_WAIT_SECONDS}s"
		sleep 1
	done
}

# allow_local_postgres lets the postgres role in over TCP from this machine without
# a password, which Debian's default pg_hba.conf (scram-sha-256) refuses. Done only
# when such a login fails, and only to the cluster on PORT.
allow_local_postgres() {
	can_log_in && return 0
	local version cluster status hba
	while read -r version cluster status; do
		hba=/etc/postgresql/$version/$cluster/pg_hba.conf
		as_root grep -q '^# signoff dev/test' "$hba" && continue
		say "allowing passwordless TCP logins from this machine for postgres in $hba"
		as_root bash -c 'f=$1; { printf "%s\n" \
			"# signoff dev/test: passwordless TCP logins from this machine" \
			"host all postgres 127.0.0.1/32 trust" \
			"host all postgres ::1/128 trust"; cat "$f"; } >"$f.signoff" &&
			cat "$f.signoff" >"$f" && rm -f "$f.signoff"' _ "$hba"
		as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" reload
	done < <(our_clusters)
	local deadline=$((SECONDS + 10))
	until can_log_in; do
		((SECONDS < deadline)) || die "cannot log in as postgres on $HOST:$PORT without a password"
		sleep 1
	done
}

database_exists() {
	[[ -n $(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'") ]]
}

create_databases() {
	local db
	for db in "${DATABASES[@]}"; do
		database_exists "$db" && continue
		# A concurrent run may create it first; only a database still missing is a failure.
		psql_admin -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null 2>&1 ||
			database_exists "$db" || die "could not create database $db"
	done
}

main() {
	if ! ready; then
		if ! command -v pg_lsclusters >/dev/null || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
			install_postgres
		fi
		ready || start_cluster
		wait_ready
	fi
	allow_local_postgres
	create_databases
}

main "$@"
