"""The README's layout table matches the tree: every file it names exists where it says, and every
folder of the project has its row."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = (
    "config",
    "core",
    "pki",
    "agent",
    "signing",
    "registry",
    "centers",
    "review",
    "backoffice",
    "portal",
    "democa",
    "templates",
    "static",
    "tests",
    "bench",
)


def layout_rows() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        match = re.match(r"\| ([^|]+) \| (.*) \|$", line)
        if match:
            for folder in re.findall(r"`(\w+)/`", match.group(1)):
                rows[folder] = match.group(2)
    return rows


def test_every_folder_has_a_row():
    rows = layout_rows()
    assert not [folder for folder in FOLDERS if folder not in rows]


def test_every_file_named_exists():
    missing = []
    for folder, what in layout_rows().items():
        for named in re.findall(r"`([\w./]+\.py)`", what):
            if (ROOT / named).exists() or (ROOT / folder / named).exists():
                continue  # a path from the top (tests/test_import_graph.py) or inside the folder
            # `a.py`/`b.py` is two files of the folder
            missing += [
                f"{folder}/{name}" for name in named.split("/") if not (ROOT / folder / name).exists()
            ]
    assert not missing, "the README's layout names files that are not there: " + ", ".join(missing)
