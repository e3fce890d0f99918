"""Write lossviz.standalone.length_table() into docs/snippets.md, between its two markers.

Run after changing a loss or metric: `.venv/bin/python tools/snippets.py`
(tests/test_standalone.py fails while the table is out of date).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lossviz.standalone import length_table  # noqa: E402

START, END = "<!-- snippet-lengths:start -->", "<!-- snippet-lengths:end -->"


def main() -> None:
    page = ROOT / "docs" / "snippets.md"
    text = page.read_text()
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{page} has no {START} ... {END} block")
    page.write_text(pattern.sub(lambda _: f"{START}\n{length_table()}{END}", text))


if __name__ == "__main__":
    main()
