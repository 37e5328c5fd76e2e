"""`luoshi token create | list | revoke`: API tokens from the server's command line (no actor signed in)."""

import argparse
import sys

from django.utils import timezone


def cmd_create(args: argparse.Namespace) -> None:
    from luoshi.errors import ServiceError
    from luoshi.org import tokens
    from luoshi.org.models import Person

    person = Person.objects.filter(username__iexact=args.username).first()
    if person is None:
        sys.exit(f"No such user: {args.username}")
    try:
        raw = tokens.issue(person, actor=None, name=args.name, days=args.days)
    except ServiceError as e:
        sys.exit(f"{e.field}: {e.message}")
    print(f"New API token for {person.username} (shown once; use 'Authorization: Bearer <token>'):")
    print(raw)  # the last line, for scripts


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def cmd_list(args: argparse.Namespace) -> None:
    from luoshi.org.models import ApiToken, Person

    rows = ApiToken.objects.select_related("person").order_by("pk")
    if args.username:
        person = Person.objects.filter(username__iexact=args.username).first()
        if person is None:
            sys.exit(f"No such user: {args.username}")
        rows = rows.filter(person=person)
    print(
        f"{'id':>6}  {'prefix':<8}  {'person':<16}  {'name':<16}  {'created':<16}  {'expires':<16}  "
        f"{'last used':<16}  revoked"
    )
    for t in rows:
        revoked = f"{_when(t.revoked_at)} ({t.revoke_reason})" if t.revoked_at else "-"
        print(
            f"{t.pk:>6}  {t.prefix:<8}  {t.person.username:<16}  {t.name or '-':<16}  {_when(t.created_at):<16}  "
            f"{_when(t.expires_at):<16}  {_when(t.last_used_at):<16}  {revoked}"
        )


def cmd_revoke(args: argparse.Namespace) -> None:
    from luoshi.org import tokens
    from luoshi.org.models import ApiToken

    token = ApiToken.objects.select_related("person").filter(pk=args.id).first()
    if token is None:
        sys.exit(f"No such token: {args.id}")
    if token.revoked_at is not None:
        print(f"Token {token.pk} ({token.prefix}…) of {token.person.username} was revoked already.")
        return
    tokens.revoke(token, actor=None, reason="cli")
    print(f"Token {token.pk} ({token.prefix}…) of {token.person.username} revoked.")


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    token = sub.add_parser("token", help="API tokens: create, list, revoke")
    actions = token.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="print a new token for USERNAME as the last line")
    create.add_argument("username")
    create.add_argument("--name", default="", help="what the token is for (shown in the lists)")
    create.add_argument("--days", type=int, default=None, help="days until it expires (default LUOSHI_TOKEN_DAYS)")
    create.set_defaults(func=cmd_create)
    listing = actions.add_parser("list", help="the tokens (of USERNAME): id, prefix, expiry, last use, revocation")
    listing.add_argument("username", nargs="?")
    listing.set_defaults(func=cmd_list)
    revoke = actions.add_parser("revoke", help="revoke the token with this id (see `luoshi token list`)")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=cmd_revoke)
