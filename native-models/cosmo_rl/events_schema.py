"""Write the JSON Schema of the worker events (cosmo_rl.protocol) for the app's zod schema.

python -m cosmo_rl.events_schema            # writes native-models/schema/events.schema.json
python -m cosmo_rl.events_schema --check    # exit 1 when the file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cosmo_rl.protocol import events_json_schema

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "events.schema.json"


def render() -> str:
    return json.dumps(events_json_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cosmo_rl.events_schema", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SCHEMA_PATH, help="where to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the file differs")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale; run python -m cosmo_rl.events_schema", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
