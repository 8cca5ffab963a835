#!/usr/bin/env bash
# The PostGIS store tests start a throw-away PostgreSQL 15 + PostGIS 3 server
# (geo/testing/localpg.py):
# install Debian's postgresql-15-postgis-3 when missing and we are root, without creating or
# starting the Debian cluster, and create the unprivileged user the test server runs as.
# Under CI=true anything missing is an error, never a skip.
set -u
BIN=/usr/lib/postgresql/15/bin
SHARE=/usr/share/postgresql/15
USER_NAME=jingan-atlas-pg

fail() {
  if [ "${CI:-}" = "true" ]; then
    echo "ensure-postgis: $1" >&2
    exit 1
  fi
  echo "ensure-postgis: $1; the PostGIS tests will be skipped" >&2
  exit 0
}

installed() { [ -x "$BIN/initdb" ] && [ -f "$SHARE/extension/postgis.control" ]; }

if ! installed; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "installing Debian postgresql-15-postgis-3 for the PostGIS tests" >&2
    # no system cluster: the tests run their own server in a temporary folder
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/jingan-atlas.conf
    (apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        postgresql-15 postgresql-15-postgis-3) >&2 || fail "could not install postgresql-15-postgis-3"
  else
    fail "no PostgreSQL 15 + PostGIS 3 ($BIN/initdb) and not root to install it"
  fi
  installed || fail "postgresql-15-postgis-3 installed but $BIN/initdb or postgis.control missing"
fi

# PostgreSQL refuses to run as root: the test server runs as this system user.
if [ "$(id -u)" = "0" ] && ! id "$USER_NAME" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME" >&2 ||
    id nobody >/dev/null 2>&1 || fail "cannot create the user $USER_NAME"
fi
exit 0
