"""`luoshi open311 key create NAME | key list | key revoke ID`: the Open311 clients' keys from the server's
command line (no actor signed in). `key create` prints the key as its last line, for scripts."""

import argparse
import os
import sys


def _when(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def cmd_create(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from luoshi.errors import ServiceError
    from luoshi.public.open311 import keys

    try:
        key, raw = keys.do_issue_key(None, args.name, timezone.now())
    except ServiceError as e:
        print(f"{e.field}: {e.message}" if e.field else e.message, file=sys.stderr)
        return 2
    print(f"New Open311 key {key.pk} for {key.name} (shown once; the client sends it as api_key):")
    print(raw)  # the last line, for scripts
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from luoshi.public.open311 import keys

    print(f"{'id':>6}  {'prefix':<8}  {'issued':<16}  {'revoked':<16}  name")
    for k in keys.keys_for(None):
        print(f"{k.pk:>6}  {k.prefix:<8}  {_when(k.created_at):<16}  {_when(k.revoked_at):<16}  {k.name}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from luoshi.errors import ServiceError
    from luoshi.public.open311 import keys

    try:
        key, changed = keys.do_revoke_key(None, args.id, timezone.now())
    except ServiceError as e:
        print(f"No such key: {args.id}" if e.status == 404 else e.message, file=sys.stderr)
        return 1
    print(f"Key {key.pk} ({key.prefix}…) of {key.name} {'revoked' if changed else 'was revoked already'}.")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="luoshi open311", description="The keys Open311 clients post requests with.")
    what = top.add_subparsers(dest="what", required=True)
    key = what.add_parser("key", help="keys: create, list, revoke")
    actions = key.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="print a new key for the client NAME as the last line")
    create.add_argument("name", help="the client, e.g. 'FixMyStreet 兰州'")
    create.set_defaults(func=cmd_create)
    listing = actions.add_parser("list", help="the keys: id, prefix, issued, revoked, client")
    listing.set_defaults(func=cmd_list)
    revoke = actions.add_parser("revoke", help="revoke the key with this id (see `luoshi open311 key list`)")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=cmd_revoke)
    return top


def main(argv: list[str]) -> int:
    """`luoshi open311 …` with the arguments after `open311`; the exit status."""
    args = parser().parse_args(argv)
    from django.apps import apps

    if not apps.ready:  # called on its own rather than from luoshi.cli, which sets Django up
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
        import django

        django.setup()
    return int(args.func(args))
