#!/usr/bin/env bash
# Database servers for locklint's real-server integration tests (test/integration/).
#
#   scripts/db-servers.sh install [mariadb|postgresql|all]   (default: all)
#       Installs the server binaries from Debian's packages when they are missing:
#       mariadb-server, and PostgreSQL 15 (postgresql-15, falling back to postgresql).
#       Idempotent and fast when everything is present; runs `apt-get update` only when a
#       package is missing; silent unless it installs something. Needs root to install.
#       Exits non-zero with a message on stderr when a server cannot be had.
#
#   scripts/db-servers.sh paths [mariadb|postgresql|all]
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
  echo "db-servers.sh: $*" >&2
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
    echo "db-servers.sh: installing ${package} ..." >&2
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade \
      -o DPkg::Lock::Timeout=300 "${package}" >"${apt_log}" 2>&1; then
      rm -f "${apt_log}"
      return 0
    fi
    echo "db-servers.sh: apt-get install ${package} failed:" >&2
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

install_postgresql() {
  find_postgresql && return 0
  apt_install postgresql-15 postgresql
  find_postgresql || fail "PostgreSQL installed but no postgres/initdb binaries were found"
}

which_servers="${2:-all}"
case "${which_servers}" in
  mariadb | postgresql | all) ;;
  *) fail "unknown server '${which_servers}' (expected mariadb, postgresql or all)" ;;
esac

case "${1:-}" in
  install)
    # One installer at a time (the test files may start together): lock this script's own file.
    exec 9<"${BASH_SOURCE[0]}"
    flock 9
    if [[ "${which_servers}" != postgresql ]]; then install_mariadb; fi
    if [[ "${which_servers}" != mariadb ]]; then install_postgresql; fi
    ;;
  paths)
    status=0
    if [[ "${which_servers}" != postgresql ]]; then
      if find_mariadb; then
        echo "MARIADBD=${MARIADBD}"
        echo "MARIADB_INSTALL_DB=${MARIADB_INSTALL_DB}"
      else
        echo "db-servers.sh: mariadbd not found" >&2
        status=1
      fi
    fi
    if [[ "${which_servers}" != mariadb ]]; then
      if find_postgresql; then echo "PG_BINDIR=${PG_BINDIR}"; else
        echo "db-servers.sh: postgres/initdb not found" >&2
        status=1
      fi
    fi
    exit "${status}"
    ;;
  *)
    echo "usage: $0 install|paths [mariadb|postgresql|all]" >&2
    exit 2
    ;;
esac
