#!/usr/bin/env bash
# Start and stop the real servers the functional tests use, on 127.0.0.1
# only, each in a scratch directory. Source this file, then call
# start_test_servers; it exports ASYNC_API_TEST_*_URL for the tests
# (PostgreSQL, Redis and etcd).

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_postgresql() {
    PG_DIR=$(mktemp -d /tmp/async-api-pg.XXXXXX)
    chown postgres "$PG_DIR" 2>/dev/null || true
    local port; port=$(free_port)
    local as=""
    [ "$(id -u)" = 0 ] && as="runuser -u postgres --"
    $as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
        --no-sync >"$PG_DIR/initdb.log" 2>&1
    $as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c max_connections=300" \
        start >/dev/null
    export ASYNC_API_TEST_POSTGRESQL_URL="postgresql+psycopg2://postgres@127.0.0.1:$port/postgres"
}

stop_postgresql() {
    [ -n "${PG_DIR:-}" ] || return 0
    local as=""
    [ "$(id -u)" = 0 ] && as="runuser -u postgres --"
    $as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}

start_redis() {
    local port; port=$(free_port)
    REDIS_DIR=$(mktemp -d /tmp/async-api-redis.XXXXXX)
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
        --dir "$REDIS_DIR" >"$REDIS_DIR/server.log" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 50); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    export ASYNC_API_TEST_REDIS_URL="redis://127.0.0.1:$port"
}

stop_redis() {
    [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null || true
    [ -n "${REDIS_DIR:-}" ] && rm -rf "$REDIS_DIR"
}

start_etcd() {
    local port peer; port=$(free_port); peer=$(free_port)
    ETCD_DIR=$(mktemp -d /tmp/async-api-etcd.XXXXXX)
    etcd --name async-api-test --data-dir "$ETCD_DIR/data" --unsafe-no-fsync \
        --listen-client-urls "http://127.0.0.1:$port" \
        --advertise-client-urls "http://127.0.0.1:$port" \
        --listen-peer-urls "http://127.0.0.1:$peer" \
        --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "async-api-test=http://127.0.0.1:$peer" \
        >"$ETCD_DIR/server.log" 2>&1 &
    ETCD_PID=$!
    for _ in $(seq 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=1)" \
            >/dev/null 2>&1 && break
        sleep 0.1
    done
    export ASYNC_API_TEST_ETCD_URL="http://127.0.0.1:$port"
}

stop_etcd() {
    [ -n "${ETCD_PID:-}" ] && kill "$ETCD_PID" 2>/dev/null || true
    [ -n "${ETCD_PID:-}" ] && wait "$ETCD_PID" 2>/dev/null || true
    [ -n "${ETCD_DIR:-}" ] && rm -rf "$ETCD_DIR"
}

# ZooKeeper and MySQL are slower to install and start: only
# tools/test-extra-servers.sh (tox -e functional-zookeeper,
# functional-mysql) starts them.

start_test_servers() {
    start_postgresql
    start_redis
    start_etcd
}

stop_test_servers() {
    stop_etcd
    stop_redis
    stop_postgresql
}
