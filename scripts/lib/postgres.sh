# PostgreSQL clusters for tests, benchmarks and local runs. Source this file, then:
#   pg_start DIR [PORT] [tuning...]   initdb DIR once, start it on PORT (a free one if omitted);
#                                     sets PG_PORT and PG_CONNECTION (trust auth, user "sla", on 127.0.0.1)
#   pg_stop DIR                       stop it (fast shutdown)
# The server refuses to run as root: when root, it runs as the "postgres" user, which owns DIR.

pg_as() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
  local dir="$1" port="${2:-}"
  shift 2 || shift $#
  command -v initdb >/dev/null && command -v pg_ctl >/dev/null || {
    echo "postgres: initdb and pg_ctl (PostgreSQL 15+) must be on PATH" >&2
    return 1
  }
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
