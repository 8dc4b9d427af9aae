#!/usr/bin/env bash
# The slower servers, for their own tox environments:
#   tox -e functional-zookeeper   (ZooKeeper board; PostgreSQL database)
#   tox -e functional-mysql       (SQL board and database on MariaDB/MySQL)
# Outside tox, set PYTHON to the virtualenv's python.
# Usage: tools/test-extra-servers.sh zookeeper|mysql [stestr arguments]
# Installs the Debian packages if missing, starts the server (and
# PostgreSQL, Redis, etcd through test-servers.sh) on 127.0.0.1, exports
# ASYNC_API_TEST_ZOOKEEPER_URL or ASYNC_API_TEST_MYSQL_URL, runs the
# tests that need it with CI=true (a missing server fails), and stops
# everything.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:?zookeeper or mysql}
shift

install_packages() {
    local missing=""
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    [ -z "$missing" ] && return 0
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
        --no-install-recommends $missing
}

. tools/test-servers.sh

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

case "$which" in
    zookeeper)
        install_packages zookeeper default-jre-headless
        trap 'stop_zookeeper; stop_test_servers' EXIT
        start_test_servers
        start_zookeeper
        filter=async_api.tests.functional.distributed.test_zookeeper
        ;;
    mysql)
        install_packages mariadb-server mariadb-client
        trap 'stop_mysql; stop_test_servers' EXIT
        start_test_servers
        start_mysql
        filter=async_api.tests.functional.distributed.test_mysql
        ;;
    *)
        echo "unknown server: $which" >&2
        exit 2
        ;;
esac

export CI=${CI:-true}
"${PYTHON:-python}" -m stestr run "${@:-$filter}"
