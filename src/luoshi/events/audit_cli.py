"""`luoshi audit verify | anchor`: the chain checked, or its head kept, from the server's command line."""

import argparse
import re
import sys

ANCHOR_RE = re.compile(r"(\d{1,18}):([0-9a-f]{64})")


def parse_anchor(text: str) -> tuple[int, str]:
    """SEQ:DIGEST, as the worker's log prints it ("audit anchor: seq N digest D")."""
    match = ANCHOR_RE.fullmatch(text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"not SEQ:DIGEST (a number, a colon, 64 hex digits): {text!r}")
    return int(match[1]), match[2]


def cmd_verify(args: argparse.Namespace) -> None:
    from luoshi.events.chain import verify

    result = verify(anchors=args.anchor or ())
    print(result)
    if not result.ok:
        sys.exit(1)


def cmd_anchor(args: argparse.Namespace) -> None:
    from luoshi.events.chain import anchor

    kept = anchor(logged=False)
    if kept is None:
        print("the audit chain is empty: nothing to anchor")
        return
    print(f"audit anchor: seq {kept.seq} digest {kept.digest} at {kept.at.isoformat()}")
    print(f"keep it off this server; check it later with: luoshi audit verify --anchor {kept.seq}:{kept.digest}")


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    audit = sub.add_parser("audit", help="the audit trail's SM3 chain: verify it, anchor its head")
    actions = audit.add_subparsers(dest="action", required=True)
    verify = actions.add_parser(
        "verify", help="recompute the chain; exit 0 and print the rows checked, or 1 naming the first bad row"
    )
    verify.add_argument(
        "--anchor",
        action="append",
        type=parse_anchor,
        metavar="SEQ:DIGEST",
        help="also check an anchor kept outside the database (repeatable)",
    )
    verify.set_defaults(func=cmd_verify)
    anchor = actions.add_parser("anchor", help="store and print the chain's head now (the worker does it hourly)")
    anchor.set_defaults(func=cmd_anchor)
