#!/usr/bin/env bash
# The PDF fixtures of the tests (extract/testing.py) embed TrueType fonts: Debian's
# fonts-droid-fallback (CJK; Noto CJK is OpenType/CFF, which fpdf2 cannot embed) and
# fonts-dejavu-core (Latin digits and letters). Install them when missing and we may;
# under CI=true a font still missing is a failure, never a skip.
set -u
fonts=(/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
       /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)
missing() { for f in "${fonts[@]}"; do [ -f "$f" ] || return 0; done; return 1; }
if ! missing; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian fonts-droid-fallback fonts-dejavu-core for the PDF tests" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq fonts-droid-fallback fonts-dejavu-core) >&2
fi
if missing; then
  echo "missing the TrueType fonts of the PDF tests: apt-get install fonts-droid-fallback fonts-dejavu-core" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "the PDF tests will be skipped" >&2
fi
exit 0
