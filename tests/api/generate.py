"""Generate a Python client of the API from its OpenAPI schema (openapi-python-client).

``python -m tests.api.generate SCHEMA OUTDIR`` writes the package ``portal_client`` under
OUTDIR, formats it with ruff and checks it for undefined names; ``make api-client`` runs it
on the schema of this checkout. The suite does the same on the schema a live server serves.
"""

import os
import subprocess
import sys
from pathlib import Path

CONFIG = Path(__file__).with_name("client.yaml")
PACKAGE = "portal_client"
BIN = Path(sys.executable).parent


def generate(schema: Path, outdir: Path) -> Path:
    """The generated package's folder; raises CalledProcessError with the tools' output."""
    package = outdir / PACKAGE
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(  # noqa: S603 (our own tools on our own schema)
        [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            schema,
            "--output-path",
            package,
            "--meta",
            "none",
            "--config",
            CONFIG,
            "--overwrite",
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
    )
    return package


def undefined_names(package: Path) -> str:
    """ruff's report of undefined names (F821) in the package: empty when there are none."""
    result = subprocess.run(  # noqa: S603 (our own tools on our own files)
        [
            BIN / "ruff",
            "check",
            "--isolated",
            "--select",
            "F821",
            "--output-format",
            "concise",
            package,
        ],
        capture_output=True,
        text=True,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def main(schema: str, outdir: str) -> None:
    package = generate(Path(schema), Path(outdir))
    if problems := undefined_names(package):
        sys.exit(problems)
    print(f"{package}: generated, no undefined names")


if __name__ == "__main__":
    main(*sys.argv[1:])
