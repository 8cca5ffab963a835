#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian chromium for the browser tests" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 || \
    echo "could not install chromium; browser tests will be skipped" >&2
else
  echo "no /usr/bin/chromium and no root: browser tests will be skipped" >&2
fi
exit 0
