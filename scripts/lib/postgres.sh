# PostgreSQL clusters for tests, benchmarks and local runs. Source this file, then:
#   pg_start DIR [PORT] [tuning...]   initdb DIR once, start it on PORT (a free one if omitted);
#                                     sets PG_PORT and PG_CONNECTION (trust auth, user "sla", on 127.0.0.1)
#   pg_stop DIR                       stop it (fast shutdown)
#   pg_find_bin                       make initdb and pg_ctl callable (see below); pg_start calls it
# The server refuses to run as root: when root, it runs as the "postgres" user, which owns DIR.
#
# initdb and pg_ctl are taken from PATH, else from where Debian and Ubuntu packages put them
# (${PG_LIB_ROOT:-/usr/lib/postgresql}/<version>/bin, newest version first). Where there are none, PostgreSQL is
# installed with apt-get when running as root with apt-get available (unless SLA_PG_INSTALL=no); otherwise the
# one command that installs it is printed.

pg_as() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Puts the newest /usr/lib/postgresql/<version>/bin holding both programs first on PATH; fails when there is none.
pg_find_packaged_bin() {
  local root="${PG_LIB_ROOT:-/usr/lib/postgresql}" bin
  [[ -d "$root" ]] || return 1
  while read -r bin; do
    if [[ -x "$bin/initdb" && -x "$bin/pg_ctl" ]]; then
      PATH="$bin:$PATH"
      export PATH
      return 0
    fi
  done < <(find "$root" -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V -r)
  return 1
}

pg_install_command() {
  if command -v apt-get >/dev/null; then echo "sudo apt-get install -y postgresql"
  elif command -v dnf >/dev/null; then echo "sudo dnf install -y postgresql-server"
  elif command -v brew >/dev/null; then echo "brew install postgresql@16"
  else echo "sudo apt-get install -y postgresql"
  fi
}

pg_find_bin() {
  command -v initdb >/dev/null && command -v pg_ctl >/dev/null && return 0
  pg_find_packaged_bin && return 0
  if [[ "$(id -u)" == 0 && "${SLA_PG_INSTALL:-yes}" != no ]] && command -v apt-get >/dev/null; then
    echo "postgres: PostgreSQL is not installed; installing it with apt-get" >&2
    if apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2 \
      && pg_find_packaged_bin; then
      return 0
    fi
    echo "postgres: installing PostgreSQL with apt-get failed" >&2
    return 1
  fi
  echo "postgres: initdb and pg_ctl (PostgreSQL 15+) are neither on PATH nor under ${PG_LIB_ROOT:-/usr/lib/postgresql}/<version>/bin; install PostgreSQL with: $(pg_install_command)" >&2
  return 1
}

pg_start() {
  local dir="$1" port="${2:-}"
  shift 2 || shift $#
  pg_find_bin || return 1
  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "postgres: the server refuses to run as root, and there is no 'postgres' user to run it as: run as a normal user, or create one (useradd --system postgres)" >&2
    return 1
  fi
  [[ -n "$port" ]] || port="$(pg_free_port)"
  mkdir -p "$dir"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$dir"
  if [[ ! -f "$dir/PG_VERSION" ]]; then
    pg_as initdb -D "$dir" -U sla --auth=trust -E UTF8 --no-locale >"$dir.initdb.log" 2>&1 || {
      cat "$dir.initdb.log" >&2
      return 1
    }
  fi
  # The socket lives in the data directory: no dependency on /var/run/postgresql.
  pg_as pg_ctl -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 $*" start >/dev/null || {
    tail -n 20 "$dir/server.log" >&2
    return 1
  }
  PG_PORT="$port"
  PG_CONNECTION="Host=127.0.0.1;Port=$port;Username=sla;Database=postgres"
  export PG_PORT PG_CONNECTION
}

pg_stop() {
  local dir="$1"
  [[ -f "$dir/postmaster.pid" ]] && pg_as pg_ctl -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}
