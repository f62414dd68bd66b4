"""Command line: ``python -m oca_dash build --raw ../shared/data/raw --out data/oca.duckdb``."""

from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m oca_dash", description="Connecticut opportunity dashboard tools")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="rebuild the database from the raw public files")
    b.add_argument("--raw", default=None,
                   help="raw data folder (default: $OCA_RAW_DIR, else ../shared/data/raw beside the repo)")
    b.add_argument("--out", default="data/oca.duckdb", help="database to write (default: data/oca.duckdb)")
    args = ap.parse_args(argv)

    if args.cmd == "build":
        from .build.checks import BuildCheckError
        from .build.pipeline import build
        from .build.raw import RawDataError

        try:
            build(args.raw, args.out)
        except (RawDataError, BuildCheckError) as e:
            print(f"build failed: {e}", file=sys.stderr)
            print("Nothing was written; the existing database, if any, is unchanged.", file=sys.stderr)
            return 2
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
