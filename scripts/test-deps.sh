#!/usr/bin/env bash
# The real programs locklint's tests drive: the database servers of the integration tests
# (test/integration/) and the pre-commit framework of the hook test (test/pre-commit.test.ts).
#
#   scripts/test-deps.sh install [mariadb|postgresql|pre-commit|all]   (default: all)
#       Installs what is missing from Debian's packages: mariadb-server, PostgreSQL 15
#       (postgresql-15, falling back to postgresql), pre-commit.
#       Idempotent and fast when everything is present; runs `apt-get update` only when a
#       package is missing; silent unless it installs something. Needs root to install.
#       Exits non-zero with a message on stderr when a program cannot be had.
#
#   scripts/test-deps.sh paths [mariadb|postgresql|pre-commit|all]
#       Prints where the binaries were found, as KEY=VALUE lines (no install).
#
# Starting and stopping are NOT done here: test/support/servers.ts starts a private instance
# per test file (temp dir from os.tmpdir(), unix sockets only, non-default port number, query
# logging on) and stops it by pid afterwards, so no state leaks between runs. It calls
# `install` itself when binaries are missing; .ci/run should call `install all` up front so
# the install time is not charged to a test.
#
# Debian puts PostgreSQL's server binaries in /usr/lib/postgresql/<major>/bin, off the PATH,
# and MariaDB's in /usr/sbin (also off a non-root PATH): both are searched explicitly below.
set -euo pipefail

find_mariadb() {
  local dir
  MARIADBD=""
  MARIADB_INSTALL_DB=""
  for dir in $(tr ':' ' ' <<<"${PATH}") /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
    if [[ -z "${MARIADBD}" && -x "${dir}/mariadbd" ]]; then MARIADBD="${dir}/mariadbd"; fi
    if [[ -z "${MARIADB_INSTALL_DB}" && -x "${dir}/mariadb-install-db" ]]; then
      MARIADB_INSTALL_DB="${dir}/mariadb-install-db"
    fi
  done
  [[ -n "${MARIADBD}" ]]
}

find_postgresql() {
  local dir
  PG_BINDIR=""
  # Prefer 15 (what the rules were verified on), then any other major, then the PATH.
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
    $(tr ':' ' ' <<<"${PATH}"); do
    if [[ -x "${dir}/postgres" && -x "${dir}/initdb" ]]; then PG_BINDIR="${dir}"; return 0; fi
  done
  return 1
}

fail() {
  echo "test-deps.sh: $*" >&2
  exit 1
}

APT_UPDATED=0
apt_install() {
  # $@: candidate package names, first that installs wins.
  [[ "$(id -u)" == 0 ]] || fail "'$1' is missing and installing it needs root (run as root, or install it yourself)"
  command -v apt-get >/dev/null || fail "'$1' is missing and there is no apt-get here (not Debian?): install it yourself"
  local apt_log
  apt_log="$(mktemp)"
  if [[ "${APT_UPDATED}" == 0 ]]; then
    if ! apt-get update -q -o DPkg::Lock::Timeout=300 >"${apt_log}" 2>&1; then
      cat "${apt_log}" >&2
      rm -f "${apt_log}"
      fail "apt-get update failed"
    fi
    APT_UPDATED=1
  fi
  local package
  # --no-upgrade: never upgrade an installed package as a side effect (only missing ones are wanted).
  for package in "$@"; do
    echo "test-deps.sh: installing ${package} ..." >&2
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade \
      -o DPkg::Lock::Timeout=300 "${package}" >"${apt_log}" 2>&1; then
      rm -f "${apt_log}"
      return 0
    fi
    echo "test-deps.sh: apt-get install ${package} failed:" >&2
    grep -vE '^(Get:|Fetched|Selecting|Preparing|Unpacking|Setting up|Processing)|Reading database' "${apt_log}" | tail -n 15 >&2 || true
  done
  rm -f "${apt_log}"
  fail "could not install any of: $*"
}

install_mariadb() {
  find_mariadb && return 0
  apt_install mariadb-server
  find_mariadb || fail "mariadb-server installed but no mariadbd binary was found"
}

find_pre_commit() {
  PRE_COMMIT="$(command -v pre-commit || true)"
  [[ -n "${PRE_COMMIT}" ]]
}

install_pre_commit() {
  find_pre_commit && return 0
  apt_install pre-commit
  find_pre_commit || fail "pre-commit installed but not found on the PATH"
}

install_postgresql() {
  find_postgresql && return 0
  apt_install postgresql-15 postgresql
  find_postgresql || fail "PostgreSQL installed but no postgres/initdb binaries were found"
}

which_programs="${2:-all}"
case "${which_programs}" in
  mariadb | postgresql | pre-commit | all) ;;
  *) fail "unknown program '${which_programs}' (expected mariadb, postgresql, pre-commit or all)" ;;
esac

case "${1:-}" in
  install)
    # One installer at a time (the test files may start together): lock this script's own file.
    exec 9<"${BASH_SOURCE[0]}"
    flock 9
    if [[ "${which_programs}" == mariadb || "${which_programs}" == all ]]; then install_mariadb; fi
    if [[ "${which_programs}" == postgresql || "${which_programs}" == all ]]; then install_postgresql; fi
    if [[ "${which_programs}" == pre-commit || "${which_programs}" == all ]]; then install_pre_commit; fi
    ;;
  paths)
    status=0
    if [[ "${which_programs}" == mariadb || "${which_programs}" == all ]]; then
      if find_mariadb; then
        echo "MARIADBD=${MARIADBD}"
        echo "MARIADB_INSTALL_DB=${MARIADB_INSTALL_DB}"
      else
        echo "test-deps.sh: mariadbd not found" >&2
        status=1
      fi
    fi
    if [[ "${which_programs}" == postgresql || "${which_programs}" == all ]]; then
      if find_postgresql; then echo "PG_BINDIR=${PG_BINDIR}"; else
        echo "test-deps.sh: postgres/initdb not found" >&2
        status=1
      fi
    fi
    if [[ "${which_programs}" == pre-commit || "${which_programs}" == all ]]; then
      if find_pre_commit; then echo "PRE_COMMIT=${PRE_COMMIT}"; else
        echo "test-deps.sh: pre-commit not found" >&2
        status=1
      fi
    fi
    exit "${status}"
    ;;
  *)
    echo "usage: $0 install|paths [mariadb|postgresql|pre-commit|all]" >&2
    exit 2
    ;;
esac
