"""Golden output of the cable parser, to refactor or speed it up without changing what it reads.

    python bench/parse_golden.py --write [--golden /work/notes/golden_parse.json]
    python bench/parse_golden.py --check [--golden ...]

Parses every cable of ../shared/cables (curated *.txt, state/*.txt, bulk/*) and tests/data/**/*.txt, plus the
bench's pathological inputs, and stores `parse(text, filename).to_dict()` (or the CableParseError message) per
file as JSON. --check parses again and prints each file whose output differs (exit 1 when any does). Keep the
golden file outside the repository: it is a snapshot of one parser version, not a specification.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_parse import PATHOLOGICAL, shared_dir  # noqa: E402
from cables.parser import CableParseError, decode_bytes, parse  # noqa: E402

DEFAULT_GOLDEN = Path("/work/notes/golden_parse.json")


def inputs(shared: Path | None) -> dict[str, tuple[str, str | None]]:
    """key -> (text, filename) for every cable and pathological input."""
    files: list[tuple[str, Path]] = []
    if shared is not None:
        files += [("shared", p) for p in sorted(shared.glob("*.txt"))]
        files += [("shared/state", p) for p in sorted((shared / "state").glob("*.txt"))]
        files += [("shared/bulk", p) for p in sorted((shared / "bulk").iterdir()) if p.is_file()]
    data = ROOT / "tests" / "data"
    files += [("tests/data", p) for p in sorted(data.rglob("*.txt"))]
    found = {}
    for group, path in files:
        name = f"{group}/{path.relative_to(data) if group == 'tests/data' else path.name}"
        found[name] = (decode_bytes(path.read_bytes()), path.name)
    found.update({f"pathological/{label}": (text, None) for label, text in PATHOLOGICAL.items()})
    return found


def output(text: str, filename: str | None) -> object:
    try:
        return parse(text, filename=filename).to_dict()
    except CableParseError as error:
        return {"CableParseError": str(error)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    parser.add_argument("--golden", type=Path, default=DEFAULT_GOLDEN)
    parser.add_argument("--shared", help="the folder holding bulk/ and state/ (default: ../shared/cables)")
    arguments = parser.parse_args()
    # a JSON round trip, so tuples and lists compare alike
    now = {key: json.loads(json.dumps(output(*value))) for key, value in inputs(shared_dir(arguments.shared)).items()}
    if arguments.write:
        arguments.golden.write_text(json.dumps(now, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {len(now)} outputs to {arguments.golden}")
        return 0
    golden = json.loads(arguments.golden.read_text(encoding="utf-8"))
    differ = sorted(key for key in golden.keys() | now.keys() if golden.get(key) != now.get(key))
    for key in differ:
        print(f"differs: {key}")
    print(f"{len(now)} outputs checked against {arguments.golden}: {len(differ)} differences")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
