#!/usr/bin/env bash
# Browser tests and screenshots drive Debian's Chromium and need a CJK font (else 中文 renders
# as boxes): install `chromium` and `fonts-noto-cjk` when missing and we may (root + apt-get).
# Under CI=true anything missing is an error (exit 1), never a silent skip.
set -u
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  missing+=(fonts-noto-cjk fontconfig)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
ci=false; [ "${CI:-}" = "true" ] && ci=true
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian ${missing[*]} for the browser tests" >&2
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2; then
    exit 0
  fi
  echo "could not install ${missing[*]}" >&2
else
  echo "missing ${missing[*]} and no root/apt-get to install them" >&2
fi
if $ci; then
  echo "CI: browser tests cannot run without ${missing[*]}" >&2
  exit 1
fi
echo "browser tests will be skipped" >&2
exit 0
