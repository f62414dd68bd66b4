"""Command line.

``python -m oca_dash build --raw ../shared/data/raw --out data/oca.duckdb`` rebuilds the database;
``python -m oca_dash brief --town "West Hartford" --format docx --out brief.docx`` writes talking points.
"""

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
    _brief_parser(sub)
    args = ap.parse_args(argv)
    if args.cmd == "brief":
        return _brief(args)

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


BRIEF_FORMATS = ("docx", "pdf", "md", "csv")


def _brief_parser(sub) -> None:
    p = sub.add_parser(
        "brief", help="write talking points for a town, towns, a set of towns or a district",
        description="Write talking points (Word, one-page PDF, Markdown or CSV of the figures).",
        epilog='Examples: brief --town "West Hartford" --format docx --out brief.docx; '
               'brief --towns "Hartford,West Hartford" --format md; brief --district "State Senate District 5" '
               "--format pdf; brief --town Darien --topics race,8-30g --format csv")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--town", help="one town, e.g. \"West Hartford\"")
    who.add_argument("--towns", help="two to six towns, comma-separated: \"Hartford,West Hartford\"")
    who.add_argument("--district", help="a State Senate or House district: S05, H007, \"State Senate District 5\"")
    who.add_argument("--set", dest="set_towns", help="any number of towns as one group, comma-separated "
                                                    "(e.g. a Find-page result)")
    p.add_argument("--description", default="", help="with --set: how the towns were chosen, in words")
    p.add_argument("--topics", default=None,
                   help="comma-separated topics (default: all): race, opportunity, affordable_housing (or 8-30g), "
                        "income, schools, housing_costs, health")
    p.add_argument("--format", default=None,
                   help=f"one of {', '.join(BRIEF_FORMATS)} (default: from --out's extension, else docx)")
    p.add_argument("--index", default=None, help="opportunity index: oca2025 (default), coi3 or oca2014")
    p.add_argument("--out", default=None,
                   help="file to write (default: a safe name such as West_Hartford_brief_2023.docx in the current "
                        "folder; '-' writes to standard output)")


def _brief(args) -> int:
    """Write a brief; a clear message on stderr and exit code 2 for anything the user can fix."""
    from pathlib import Path

    def fail(msg: str, code: int = 2) -> int:
        # The message may quote what was typed: control and format characters (terminal escapes, RTL
        # overrides) are shown as escapes, not sent to the terminal.
        import unicodedata

        msg = "".join(ch if ch == "\n" or unicodedata.category(ch)[0] != "C" else ascii(ch)[1:-1] for ch in str(msg))
        print(f"brief: {msg}", file=sys.stderr)
        return code

    fmt = (args.format or "").strip().lower().lstrip(".")
    if not fmt:
        ext = Path(args.out).suffix.lower().lstrip(".") if args.out and args.out != "-" else ""
        fmt = ext if ext in BRIEF_FORMATS else "docx"
    if fmt not in BRIEF_FORMATS:
        return fail(f"unknown format {args.format!r}; use one of {', '.join(BRIEF_FORMATS)}.")

    from . import brief_export as BE
    from . import brief_view as BV
    from . import talking_points as TP
    from .levels import DEFAULT_INDEX
    from .query import DB, DatabaseError

    try:
        db = DB()
    except DatabaseError as e:
        return fail(str(e), 1)
    try:
        set_towns = [t for t in args.set_towns.split(",") if t.strip()] if args.set_towns else None
        if args.set_towns is not None and not set_towns:
            return fail("--set needs at least one town name.")
        brief = TP.brief_for(db, town=args.town, towns=args.towns, district=args.district, set_towns=set_towns,
                             set_description=BV.clean_desc(args.description), topics=args.topics, idx=args.index or DEFAULT_INDEX)
    except TP.UnknownPlace as e:
        return fail(str(e))
    if not brief.points:
        return fail("no talking points for this choice (the figures are missing for these topics).")
    data, _mime, name = BE.export(brief, fmt)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    out = Path(args.out) if args.out else Path.cwd() / name
    try:
        out.write_bytes(data)
    except OSError as e:
        return fail(f"cannot write {out}: {e.strerror or e}", 1)
    print(f"Wrote {out} ({len(brief.points)} talking points, {fmt}).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
