"""Child process of the memory figure: run app.py once, headless, on the atlas at ATLAS_PATH.

Streamlit's AppTest executes the real script (load, filter, build the map, hand it to
st_folium) in this process, so this process's peak resident memory is that of an app process
serving one page view. Exits non-zero when the page raised.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    if at.exception:
        print(f"app raised: {at.exception[0].message}", file=sys.stderr)
        return 1
    print(f"ok: {os.environ.get('ATLAS_PATH')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
