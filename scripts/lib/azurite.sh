# Azurite (the Azure Storage emulator, from npm) for tests and benchmarks. Source this file, then:
#   azurite_start DIR [extra azurite args...]   install it into .tools/azurite if absent, start it in memory on
#                                               free loopback ports; sets AZURITE_CONNECTION (a full storage
#                                               connection string) and AZURITE_PID; its output goes to DIR/azurite.log
#   azurite_stop DIR                            stop it
azurite_version=3.37.0
azurite_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
azurite_bin="$azurite_repo/.tools/azurite/node_modules/.bin/azurite"

azurite_install() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
      echo "azurite: installing Node.js (apt-get install nodejs npm)" >&2
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; } >&2 || return 1
    else
      echo "azurite: Node.js and npm are needed; install them with: sudo apt-get install -y nodejs npm" >&2
      return 1
    fi
  fi
  [[ -x "$azurite_bin" ]] && return 0
  echo "azurite: installing azurite@$azurite_version into .tools/azurite (npm)" >&2
  mkdir -p "$azurite_repo/.tools/azurite"
  npm install --prefix "$azurite_repo/.tools/azurite" --no-audit --no-fund --loglevel=error "azurite@$azurite_version" >&2
}

azurite_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

azurite_start() {
  local dir="$1"
  shift
  azurite_install || return 1
  mkdir -p "$dir"
  local blob queue table
  blob="$(azurite_free_port)" queue="$(azurite_free_port)" table="$(azurite_free_port)"
  # --skipApiVersionCheck: the storage SDKs send a newer API version than Azurite knows.
  # --inMemoryPersistence excludes --location: nothing is written to disk.
  setsid "$azurite_bin" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" \
    --skipApiVersionCheck --disableTelemetry --inMemoryPersistence "$@" >"$dir/azurite.log" 2>&1 </dev/null &
  AZURITE_PID=$!
  echo "$AZURITE_PID" >"$dir/azurite.pid"
  local port
  for port in "$blob" "$queue" "$table"; do
    for _ in $(seq 300); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      kill -0 "$AZURITE_PID" 2>/dev/null || { echo "azurite: it stopped while starting:" >&2; tail -n 20 "$dir/azurite.log" >&2; return 1; }
      sleep 0.1
    done
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "azurite: port $port not open after 30 s" >&2; return 1; }
  done
  local account=devstoreaccount1
  # Azurite's fixed, publicly documented development account key.
  local key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
  export AZURITE_CONNECTION AZURITE_PID
}

azurite_stop() {
  local dir="$1" pid
  [[ -f "$dir/azurite.pid" ]] || return 0
  pid="$(cat "$dir/azurite.pid")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  rm -f "$dir/azurite.pid"
}
