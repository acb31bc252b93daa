"""Write the run config's JSON Schema for the app: ``python -m cosmo_rl.schema_export --out FILE``.

The committed copy (native-models/schema/run-config.schema.json) is checked against this
output by a test, so a config change that forgets to re-export fails CI.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cosmo_rl.config import RunConfig

SCHEMA_ID = "https://cosmo-studio.local/schema/run-config.schema.json"


def build_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of RunConfig, as pydantic generates it for validation."""
    schema = RunConfig.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_schema() -> str:
    # Stable text (sorted keys, trailing newline) so the committed file diffs cleanly.
    return json.dumps(build_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cosmo_rl.schema_export", description="Write the run config JSON Schema."
    )
    parser.add_argument("--out", type=Path, required=True, help="file to write (parent folders are created)")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render_schema(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
