#!/usr/bin/env bash
# Starts a local PostgreSQL for the journal tests on PostgreSQL and prints the variable that enables them:
#   eval "$(scripts/postgres-for-tests.sh)"   then   dotnet test RobotActors.sln
# Installs Debian's postgresql package when it is missing (needs root), starts the default cluster on
# 127.0.0.1:5432, and creates the role and database `robotactors` (password `robotactors`).
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "installing postgresql from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  pg_ctlcluster "$version" main start >&2
fi

for _ in $(seq 1 30); do
  runuser -u postgres -- psql -qtAc "select 1" >/dev/null 2>&1 && break
  sleep 1
done

runuser -u postgres -- psql -qtAc "select 1 from pg_roles where rolname='robotactors'" | grep -q 1 ||
  runuser -u postgres -- psql -qc "create role robotactors login password 'robotactors'" >&2
runuser -u postgres -- psql -qtAc "select 1 from pg_database where datname='robotactors'" | grep -q 1 ||
  runuser -u postgres -- psql -qc "create database robotactors owner robotactors" >&2

echo "export ROBOTACTORS_TEST_POSTGRES='Host=127.0.0.1;Port=5432;Database=robotactors;Username=robotactors;Password=robotactors'"
