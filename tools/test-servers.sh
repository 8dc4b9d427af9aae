#!/usr/bin/env bash
# Start and stop the real servers the functional tests use, on 127.0.0.1
# only, each in a scratch directory. Source this file, then call
# start_test_servers; it exports ASYNC_API_TEST_*_URL for the tests
# (PostgreSQL, Redis, etcd, ZooKeeper, MySQL/MariaDB and RabbitMQ), and
# Keystone's URL and admin credentials as ASYNC_API_TEST_KEYSTONE_*.

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

# ZooKeeper, and MariaDB for the MySQL tests.

start_zookeeper() {
    local port; port=$(free_port)
    ZK_DIR=$(mktemp -d /tmp/async-api-zk.XXXXXX)
    # tickTime 500 ms lets sessions (hence claims) last from 1 to 10 s.
    cat >"$ZK_DIR/zoo.cfg" <<CFG
tickTime=500
dataDir=$ZK_DIR/data
clientPort=$port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=*
CFG
    java -Xmx256m -cp "$ZK_DIR:/usr/share/java/zookeeper.jar" \
        org.apache.zookeeper.server.ZooKeeperServerMain "$ZK_DIR/zoo.cfg" \
        >"$ZK_DIR/server.log" 2>&1 &
    ZK_PID=$!
    for _ in $(seq 150); do
        python3 - "$port" <<'PY' >/dev/null 2>&1 && break
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=1)
s.sendall(b'ruok')
sys.exit(0 if s.recv(4) == b'imok' else 1)
PY
        sleep 0.2
    done
    export ASYNC_API_TEST_ZOOKEEPER_URL="zookeeper://127.0.0.1:$port"
}

stop_zookeeper() {
    [ -n "${ZK_PID:-}" ] && kill "$ZK_PID" 2>/dev/null || true
    [ -n "${ZK_PID:-}" ] && wait "$ZK_PID" 2>/dev/null || true
    [ -n "${ZK_DIR:-}" ] && rm -rf "$ZK_DIR"
}

start_mysql() {
    local port; port=$(free_port)
    MYSQL_DIR=$(mktemp -d /tmp/async-api-mysql.XXXXXX)
    chown mysql "$MYSQL_DIR" 2>/dev/null || true
    mysql_install_db --user=mysql --datadir="$MYSQL_DIR/data" \
        --auth-root-authentication-method=normal >"$MYSQL_DIR/install.log" 2>&1
    mysqld --user=mysql --datadir="$MYSQL_DIR/data" --bind-address=127.0.0.1 \
        --port="$port" --socket="$MYSQL_DIR/mysql.sock" \
        --pid-file="$MYSQL_DIR/mysql.pid" --skip-log-bin \
        --innodb-flush-log-at-trx-commit=0 --max-connections=300 \
        >"$MYSQL_DIR/server.log" 2>&1 &
    MYSQL_PID=$!
    for _ in $(seq 150); do
        mysqladmin --socket="$MYSQL_DIR/mysql.sock" -uroot ping >/dev/null 2>&1 && break
        sleep 0.2
    done
    mysql --socket="$MYSQL_DIR/mysql.sock" -uroot -e \
        "CREATE USER 'async_api'@'127.0.0.1' IDENTIFIED BY 'async_api'; GRANT ALL ON *.* TO 'async_api'@'127.0.0.1';"
    export ASYNC_API_TEST_MYSQL_URL="mysql+pymysql://async_api:async_api@127.0.0.1:$port/mysql"
}

stop_mysql() {
    [ -n "${MYSQL_PID:-}" ] && kill "$MYSQL_PID" 2>/dev/null || true
    [ -n "${MYSQL_PID:-}" ] && wait "$MYSQL_PID" 2>/dev/null || true
    [ -n "${MYSQL_DIR:-}" ] && rm -rf "$MYSQL_DIR"
}

# RabbitMQ, for the notification tests: its own node name, Erlang port
# mapper port, cookie (HOME) and data directory, so that runs side by side
# never meet.

rabbitmq_env() {
    env HOME="$RABBITMQ_DIR" RABBITMQ_NODENAME="$RABBITMQ_NODE" \
        ERL_EPMD_PORT="$RABBITMQ_EPMD_PORT" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RABBITMQ_PORT" \
        RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT" \
        RABBITMQ_MNESIA_BASE="$RABBITMQ_DIR/mnesia" \
        RABBITMQ_LOG_BASE="$RABBITMQ_DIR/log" \
        RABBITMQ_CONFIG_FILE="$RABBITMQ_DIR/rabbitmq" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITMQ_DIR/enabled_plugins" \
        RABBITMQ_PID_FILE="$RABBITMQ_DIR/rabbitmq.pid" "$@"
}

start_rabbitmq() {
    RABBITMQ_DIR=$(mktemp -d /tmp/async-api-rabbitmq.XXXXXX)
    RABBITMQ_PORT=$(free_port)
    RABBITMQ_EPMD_PORT=$(free_port)
    RABBITMQ_DIST_PORT=$(free_port)
    RABBITMQ_NODE="async-api-$(basename "$RABBITMQ_DIR" | cut -d. -f2)@localhost"
    mkdir -p "$RABBITMQ_DIR/mnesia" "$RABBITMQ_DIR/log"
    echo '[].' >"$RABBITMQ_DIR/enabled_plugins"
    # Loopback only; the guest user may connect from there.
    printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n' \
        "$RABBITMQ_PORT" >"$RABBITMQ_DIR/rabbitmq.conf"
    rabbitmq_env /usr/lib/rabbitmq/bin/rabbitmq-server \
        >"$RABBITMQ_DIR/server.log" 2>&1 &
    RABBITMQ_PID=$!
    # Without a running broker no URL: its tests skip, or fail under CI.
    if rabbitmq_env /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$RABBITMQ_NODE" \
            --timeout 120 wait "$RABBITMQ_DIR/rabbitmq.pid" >/dev/null 2>&1; then
        export ASYNC_API_TEST_RABBITMQ_URL="rabbit://guest:guest@127.0.0.1:$RABBITMQ_PORT/"
    else
        echo "RabbitMQ did not start; see $RABBITMQ_DIR/server.log" >&2
    fi
}

stop_rabbitmq() {
    [ -n "${RABBITMQ_DIR:-}" ] || return 0
    # The Erlang VM itself (rabbitmqctl stop would boot another one).
    local pid; pid=$(cat "$RABBITMQ_DIR/rabbitmq.pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    kill "$RABBITMQ_PID" 2>/dev/null || true
    wait "$RABBITMQ_PID" 2>/dev/null || true
    # The Erlang port mapper this node started on its own port.
    rabbitmq_env epmd -kill >/dev/null 2>&1 || true
    rm -rf "$RABBITMQ_DIR"
}

# Keystone, for the keystone auth strategy: a release from the package
# index in a virtualenv of its own (its pins are not the project's), kept
# in the cache directory so that a second run reuses it.
KEYSTONE_VERSION=30.0.0
KEYSTONE_CONSTRAINTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/keystone-constraints.txt
# Tokens live this many seconds, so that a test can see one expire; the
# tests log in again when a token has less than a third of it left, time
# enough for a loaded machine's Keystone to check it.
KEYSTONE_TOKEN_EXPIRATION=20

install_keystone() {
    local key; key=$(sha256sum "$KEYSTONE_CONSTRAINTS" | cut -c1-12)
    KEYSTONE_VENV=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/async-api/keystone-$KEYSTONE_VERSION-$key
    [ -f "$KEYSTONE_VENV/installed" ] && return 0
    rm -rf "$KEYSTONE_VENV"
    python3 -m venv "$KEYSTONE_VENV"
    "$KEYSTONE_VENV/bin/pip" install -qq -c "$KEYSTONE_CONSTRAINTS" \
        "keystone==$KEYSTONE_VERSION" gunicorn
    # Written last: a broken install is redone by the next run.
    touch "$KEYSTONE_VENV/installed"
}

# The install in the background, to overlap other work (the project's own
# install in tools/run-tests.sh); start_keystone waits for it.
install_keystone_background() {
    KEYSTONE_INSTALL_LOG=$(mktemp /tmp/async-api-keystone-install.XXXXXX)
    install_keystone >"$KEYSTONE_INSTALL_LOG" 2>&1 &
    KEYSTONE_INSTALL_PID=$!
}

start_keystone() {
    if [ -n "${KEYSTONE_INSTALL_PID:-}" ]; then
        wait "$KEYSTONE_INSTALL_PID" || {
            cat "$KEYSTONE_INSTALL_LOG" >&2
            return 1
        }
        KEYSTONE_INSTALL_PID=""
        rm -f "$KEYSTONE_INSTALL_LOG"
    fi
    install_keystone
    local port password; port=$(free_port)
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    KEYSTONE_DIR=$(mktemp -d /tmp/async-api-keystone.XXXXXX)
    local conf=$KEYSTONE_DIR/keystone.conf url=http://127.0.0.1:$port
    # bcrypt's fewest rounds, as every test user logs in many times, and
    # an in-process cache (one gunicorn process, so it is coherent) for the
    # dozens of queries each login and check makes.
    cat >"$conf" <<CFG
[DEFAULT]
log_file = $KEYSTONE_DIR/keystone.log
[database]
connection = sqlite:///$KEYSTONE_DIR/keystone.db
[token]
provider = fernet
expiration = $KEYSTONE_TOKEN_EXPIRATION
[fernet_tokens]
key_repository = $KEYSTONE_DIR/fernet-keys
[fernet_receipts]
key_repository = $KEYSTONE_DIR/fernet-keys
[credential]
key_repository = $KEYSTONE_DIR/credential-keys
[identity]
password_hash_rounds = 4
[cache]
enabled = true
backend = dogpile.cache.memory
CFG
    local manage="$KEYSTONE_VENV/bin/keystone-manage --config-file $conf"
    local owner="--keystone-user $(id -un) --keystone-group $(id -gn)"
    {
        $manage db_sync
        $manage fernet_setup $owner
        $manage credential_setup $owner
        $manage bootstrap --bootstrap-password "$password" \
            --bootstrap-username admin --bootstrap-project-name admin \
            --bootstrap-role-name admin --bootstrap-region-id RegionOne \
            --bootstrap-public-url "$url" --bootstrap-internal-url "$url"
    } >"$KEYSTONE_DIR/manage.log" 2>&1 || {
        cat "$KEYSTONE_DIR/manage.log" >&2
        return 1
    }
    # Keystone's oslo.config would read gunicorn's arguments as its own.
    cat >"$KEYSTONE_DIR/keystone_app.py" <<'PY'
import sys
sys.argv = sys.argv[:1]
from keystone.server import wsgi
application = wsgi.initialize_public_application()
PY
    # One request at a time: SQLite refuses concurrent writers ("database
    # is locked"). A loaded machine may take long over one.
    OS_KEYSTONE_CONFIG_FILES=$conf "$KEYSTONE_VENV/bin/gunicorn" \
        --bind "127.0.0.1:$port" --workers 1 --threads 1 --timeout 120 \
        --no-control-socket --chdir "$KEYSTONE_DIR" \
        keystone_app:application >"$KEYSTONE_DIR/server.log" 2>&1 &
    KEYSTONE_PID=$!
    local ready=""
    for _ in $(seq 300); do
        kill -0 "$KEYSTONE_PID" 2>/dev/null || break
        python3 -c "import urllib.request; urllib.request.urlopen('$url/v3', timeout=1)" \
            >/dev/null 2>&1 && ready=1 && break
        sleep 0.1
    done
    [ -n "$ready" ] || {
        echo "Keystone did not answer on $url:" >&2
        cat "$KEYSTONE_DIR/server.log" "$KEYSTONE_DIR/keystone.log" >&2
        return 1
    }
    export ASYNC_API_TEST_KEYSTONE_URL=$url
    export ASYNC_API_TEST_KEYSTONE_ADMIN_USER=admin
    export ASYNC_API_TEST_KEYSTONE_ADMIN_PASSWORD=$password
    export ASYNC_API_TEST_KEYSTONE_ADMIN_PROJECT=admin
}

stop_keystone() {
    [ -n "${KEYSTONE_PID:-}" ] && kill "$KEYSTONE_PID" 2>/dev/null || true
    [ -n "${KEYSTONE_PID:-}" ] && wait "$KEYSTONE_PID" 2>/dev/null || true
    [ -n "${KEYSTONE_DIR:-}" ] && rm -rf "$KEYSTONE_DIR"
}

start_test_servers() {
    start_postgresql
    start_redis
    start_etcd
    start_zookeeper
    start_mysql
    start_rabbitmq
    start_keystone
}

stop_test_servers() {
    stop_keystone
    stop_rabbitmq
    stop_mysql
    stop_zookeeper
    stop_etcd
    stop_redis
    stop_postgresql
}
