"""The counter's commands: init, intake, clerk, void, minors-policy, verify, slip,
verify-slip.

Wired into ``desktop.cli.main.build_parser`` by :func:`add_parsers`; the handlers follow
the command line's shape (``cmd_x(args, console) -> int``, a ``UserError`` for what the
user can fix, the exit codes of ``desktop.cli.common``).
"""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import make_url

from db.models import Clerk, Shop, Station
from desktop import config, strict_json
from desktop.audit import command_line_user
from desktop.clerks import (
    Role,
    add_clerk,
    change_role,
    deactivate_clerk,
    list_clerks,
    reset_pin,
)
from desktop.cli.common import (
    EXIT_OK,
    EXIT_TAMPERED,
    Console,
    opened,
    require_folder_of,
)
from desktop.errors import UserError
from desktop.files import is_stdout, write_atomically
from desktop.intake import commit_intake
from desktop.key_access import new_passphrase, pkcs12_password
from desktop.keys import PASSPHRASE_ENV, import_pkcs12
from desktop.minors import MinorsPolicy
from desktop.minors import current_policy as current_minors_policy
from desktop.minors import set_policy as set_minors_policy
from desktop.rules import validate_intake
from desktop.setup import ImportedIdentity, ShopDetails, initialise
from desktop.text import clean_text
from desktop.transactions import intake_context
from desktop.trust import Checkpoint
from desktop.verification import terminal_progress, verify_all
from desktop.voiding import void_intake

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 2_000_000


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the counter's commands to the ``revoke-desk`` subcommands."""
    init = sub.add_parser(
        "init",
        parents=[common],
        help="set up the shop, this station and the first manager; run again on another PC "
        "against a shared (PostgreSQL) database to add a counter",
    )
    init.add_argument(
        "--shop-name",
        help="the shop's name (a new shop); a counter joining a shared database takes the "
        "stored shop's name and may leave this out",
    )
    init.add_argument("--station", required=True, help="this counter's code, e.g. S01")
    init.add_argument(
        "--manager",
        required=True,
        help="the first manager's code, e.g. M01; joining a shared database, an existing "
        "manager's code (their PIN on stdin)",
    )
    init.add_argument("--manager-name", default="")
    init.add_argument("--license-no", default="", help="古物商許可番号")
    init.add_argument("--commission", default="", help="公安委員会 that issued the licence")
    init.add_argument("--address", default="")
    init.add_argument("--phone", default="")
    init.add_argument("--timezone", default="Asia/Tokyo")
    init.add_argument(
        "--pkcs12",
        metavar="FILE",
        help="the shop's own identity (ECDSA P-256 key and certificate) instead of a new "
        "self-signed one; its password from REVOKE_DESK_PKCS12_PASSPHRASE or typed",
    )
    init.set_defaults(handler=cmd_init)

    intake = sub.add_parser(
        "intake", parents=[common], help="validate and commit one intake document"
    )
    intake.add_argument(
        "--json", required=True, metavar="FILE", help="the intake document, or - for stdin"
    )
    intake.add_argument("--station", help=f"station code (env {config.STATION.env})")
    intake.set_defaults(handler=cmd_intake)

    clerk = sub.add_parser(
        "clerk", help="staff: add, list, role, reset-pin, deactivate (a manager approves)"
    )
    clerk_sub = clerk.add_subparsers(dest="clerk_command", metavar="ACTION", required=True)
    clerk_add = clerk_sub.add_parser(
        "add",
        parents=[common],
        help="add a clerk (stdin: the approving manager's PIN, then the new clerk's PIN)",
    )
    clerk_add.add_argument("code")
    clerk_add.add_argument("--name", required=True)
    clerk_add.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value)
    _manager_options(clerk_add)
    clerk_add.set_defaults(handler=cmd_clerk_add)
    clerk_list = clerk_sub.add_parser("list", parents=[common], help="list clerks")
    clerk_list.set_defaults(handler=cmd_clerk_list)
    clerk_role = clerk_sub.add_parser(
        "role",
        parents=[common],
        help="change a clerk's role (stdin: the manager's PIN; for a new manager, then "
        "their new PIN of 6+ digits)",
    )
    clerk_role.add_argument("code")
    clerk_role.add_argument("--role", choices=[r.value for r in Role], required=True)
    _manager_options(clerk_role)
    clerk_role.set_defaults(handler=cmd_clerk_role)
    clerk_reset = clerk_sub.add_parser(
        "reset-pin",
        parents=[common],
        help="give a clerk a new PIN and lift a lockout (stdin: the manager's PIN, then the new PIN)",
    )
    clerk_reset.add_argument("code")
    _manager_options(clerk_reset)
    clerk_reset.set_defaults(handler=cmd_clerk_reset_pin)
    clerk_deactivate = clerk_sub.add_parser(
        "deactivate",
        parents=[common],
        help="stop a clerk from unlocking the counter (stdin: the manager's PIN)",
    )
    clerk_deactivate.add_argument("code")
    _manager_options(clerk_deactivate)
    clerk_deactivate.set_defaults(handler=cmd_clerk_deactivate)

    void = sub.add_parser("void", parents=[common], help="void a receipt (manager's PIN on stdin)")
    void.add_argument("receipt")
    void.add_argument("--reason", required=True)
    void.add_argument("--manager", required=True)
    void.add_argument(
        "--replaced-by",
        default="",
        metavar="RECEIPT",
        help="a correction: the intake taken again in place of this one",
    )
    void.add_argument("--station", help=f"station code (env {config.STATION.env})")
    void.set_defaults(handler=cmd_void)

    minors = sub.add_parser(
        "minors-policy",
        parents=[common],
        help="show or set the rule for sellers under the age limit (manager's PIN on stdin)",
    )
    minors.add_argument("--age-limit", type=int, help="under this age a guardian is needed (18)")
    minors.add_argument(
        "--consent",
        choices=("accept", "refuse"),
        help="accept a recorded guardian's consent, or refuse minors outright",
    )
    minors.add_argument("--prefecture", help="the shop's prefecture, e.g. 福岡県 (for the record)")
    minors.add_argument("--manager", help="manager code approving a change")
    minors.add_argument("--station", help=f"station code (env {config.STATION.env})")
    minors.set_defaults(handler=cmd_minors_policy)

    verify = sub.add_parser(
        "verify", parents=[common], help="verify every chain, signature and digest"
    )
    verify.add_argument(
        "--fingerprint",
        action="append",
        default=[],
        metavar="[STATION:]FP",
        help="the station certificate's fingerprint as printed on paper (12+ hex digits)",
    )
    verify.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="STATION:SEQ:HASH",
        help="a chain head as printed on a day report or export (12+ hex digits of the hash)",
    )
    verify.set_defaults(handler=cmd_verify)

    slip = sub.add_parser("slip", parents=[common], help="write the signed slip of a receipt")
    slip.add_argument("receipt")
    slip.add_argument("-o", "--out", required=True, metavar="FILE.pdf")
    slip.add_argument("--format", choices=["thermal", "a4"], default="thermal")
    slip.add_argument("--reprint", action="store_true", help="a further copy, marked 再発行")
    slip.add_argument("--station", help=f"station code (env {config.STATION.env})")
    slip.add_argument("--clerk", help="who prints the slip, for the audit entry")
    slip.set_defaults(handler=cmd_slip)

    verify_slip = sub.add_parser(
        "verify-slip",
        parents=[common],
        help="check a slip PDF's signature and QR against the ledger",
    )
    verify_slip.add_argument("pdf", metavar="FILE.pdf")
    verify_slip.set_defaults(handler=cmd_verify_slip)


def _manager_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--manager", required=True, help="the approving manager's code (their PIN comes first)"
    )
    parser.add_argument("--station", help=f"station code (env {config.STATION.env})")


def _imported_identity(path: str) -> ImportedIdentity:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(
            f"PKCS#12 ファイル {path} を読み込めません: {exc.strerror}",
            f"cannot read the PKCS#12 file {path}: {exc.strerror}",
        ) from exc
    key, certificate = import_pkcs12(data, pkcs12_password(), now=datetime.now(UTC))
    return ImportedIdentity(key, certificate)


def cmd_init(args: argparse.Namespace, console: Console) -> int:
    pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ", confirm=True)
    identity = _imported_identity(args.pkcs12) if args.pkcs12 else None
    # The key is encrypted at rest from the start (desktop.keys): the passphrase is
    # asked for before anything is made, so a missing one leaves nothing behind.
    passphrase = new_passphrase("station key")
    with opened(args, create=True) as ctx:
        with ctx.reading() as session:
            joining = session.get(Clerk, args.manager) is not None
            stored = session.scalars(select(Shop)).first()
            stored_name = stored.name if stored is not None else None
            set_up_already = session.get(Station, args.station) is not None
        if not set_up_already:  # else the set-up says so: "station S01 is already set up"
            _check_shop_name(args.shop_name, stored_name)
        if joining:
            # A further counter of a shared database: its manager's PIN is checked in a
            # transaction of its own first, so a wrong one is counted (the set-up below
            # rolls back when it fails).
            ctx.authenticate(args.manager, pin, require=Role.MANAGER)
        shop = ShopDetails(
            name=args.shop_name or "",
            license_no=args.license_no,
            commission=args.commission,
            address=args.address,
            phone=args.phone,
            timezone=args.timezone,
        )
        with ctx.transaction() as session:
            signer = initialise(
                session,
                keys_dir=ctx.keys_dir,
                shop=shop,
                station=args.station,
                manager_code=args.manager,
                manager_name=args.manager_name,
                manager_pin=pin,
                now=ctx.clock(),
                key_passphrase=passphrase,
                identity=identity,
            )
        log.info("station %s set up", signer.station)
        if stored_name is not None:
            console.write(
                f"店舗「{stored_name}」にレジを追加しました / "
                f"joined the shop {stored_name!r} as a further counter\n"
            )
        console.write(
            f"設定しました / set up: station {signer.station}, "
            f"certificate SHA-256 {signer.fingerprint}\n"
            f"この指紋を紙に控えて保管してください（verify --fingerprint で照合します）/ "
            "write this fingerprint down and keep it: verify --fingerprint checks against it\n"
            f"database: {make_url(ctx.db_url).render_as_string(hide_password=True)}\n"
            f"keys: {ctx.keys_dir} (encrypted: unlock with {PASSPHRASE_ENV}, "
            "`revoke-desk key remember` or a prompt)\n"
        )
    return EXIT_OK


def _check_shop_name(typed: str | None, stored: str | None) -> None:
    """A new shop needs its name; a joining counter's typed name must be the stored one.

    A name that differs most likely means the wrong database (another shop's server):
    the counter is not added to it.
    """
    if stored is None:
        if not (typed or "").strip():
            raise UserError(
                "新しい店舗の設定には --shop-name（店名）が必要です",
                "setting up a new shop needs --shop-name",
            )
        return
    if typed is None:
        return
    cleaned, _ = clean_text("shop_name", typed, max_len=100)
    if cleaned != stored:
        raise UserError(
            f"このデータベースの店舗は「{stored}」です（--shop-name「{typed}」とは違います）。"
            "このデータベースで正しければ --shop-name を省いてください",
            f"this database holds the shop {stored!r}, not {typed!r}: if it is the right "
            "database, leave out --shop-name to add this counter to it",
        )


def _read_document(source: str, console: Console) -> Any:
    try:
        if source == "-":
            raw = console.read_bytes(MAX_DOCUMENT_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                raw = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise UserError(
            f"受付データ {source} を読み込めません: {exc.strerror}",
            f"cannot read the intake document {source}: {exc.strerror}",
        ) from exc
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise UserError("受付データが大きすぎます", "the intake document is too large")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            "受付データがUTF-8ではありません", "the intake document is not UTF-8"
        ) from exc
    return strict_json.loads(text, what=("受付データ", "the intake document"))


def cmd_intake(args: argparse.Namespace, console: Console) -> int:
    document = _read_document(args.json, console)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        catalogue = ctx.catalogue()
        timezone = ctx.shop_profile().timezone
        now = ctx.clock()
        today = _local_date(now, timezone)
        with ctx.reading() as session:
            context, _ = intake_context(session, document, business_day=today)
        draft = validate_intake(document, today=today, catalogue=catalogue, context=context)
        with ctx.transaction() as session:
            receipt = commit_intake(
                session, draft, signer=signer, catalogue=catalogue, shop_timezone=timezone, now=now
            )
        log.info("intake committed: %s", receipt.line())
        console.write(receipt.line() + "\n")
    return EXIT_OK


def _local_date(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def _approving_manager(args: argparse.Namespace, console: Console) -> str:
    """The PIN of the manager who approves a staff change: always the first line on stdin."""
    return console.pin(
        f"承認する店長 {args.manager} のPIN / PIN of approving manager {args.manager}: "
    )


def _new_pin(console: Console, code: str) -> str:
    return console.pin(f"{code} の新しいPIN / new PIN for {code}: ", confirm=True)


def cmd_clerk_add(args: argparse.Namespace, console: Console) -> int:
    manager_pin = _approving_manager(args, console)
    pin = _new_pin(console, args.code)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(
            args.manager, manager_pin, require=Role.MANAGER, station=args.station
        )
        with ctx.transaction() as session:
            clerk = add_clerk(
                session,
                signer,
                code=args.code,
                name=args.name,
                role=Role(args.role),
                pin=pin,
                now=ctx.clock(),
                added_by=manager.code,
            )
        log.info("clerk %s added as %s by %s", clerk.code, clerk.role, manager.code)
        console.write(f"{clerk.code} {clerk.role.value} added\n")
    return EXIT_OK


def cmd_clerk_role(args: argparse.Namespace, console: Console) -> int:
    manager_pin = _approving_manager(args, console)
    role = Role(args.role)
    # A new manager needs a PIN of 6+ digits: the clerk's may be shorter.
    pin = _new_pin(console, args.code) if role is Role.MANAGER else None
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(
            args.manager, manager_pin, require=Role.MANAGER, station=args.station
        )
        with ctx.transaction() as session:
            clerk = change_role(
                session,
                signer,
                code=args.code,
                role=role,
                by=manager.code,
                now=ctx.clock(),
                pin=pin,
            )
        log.info("clerk %s made %s by %s", clerk.code, clerk.role, manager.code)
        console.write(f"{clerk.code} {clerk.role.value}\n")
    return EXIT_OK


def cmd_clerk_reset_pin(args: argparse.Namespace, console: Console) -> int:
    manager_pin = _approving_manager(args, console)
    pin = _new_pin(console, args.code)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(
            args.manager, manager_pin, require=Role.MANAGER, station=args.station
        )
        with ctx.transaction() as session:
            clerk = reset_pin(
                session, signer, code=args.code, pin=pin, by=manager.code, now=ctx.clock()
            )
        log.info("PIN of clerk %s reset by %s", clerk.code, manager.code)
        console.write(f"{clerk.code} PIN reset\n")
    return EXIT_OK


def cmd_clerk_deactivate(args: argparse.Namespace, console: Console) -> int:
    manager_pin = _approving_manager(args, console)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(
            args.manager, manager_pin, require=Role.MANAGER, station=args.station
        )
        with ctx.transaction() as session:
            clerk = deactivate_clerk(
                session, signer, code=args.code, by=manager.code, now=ctx.clock()
            )
        log.info("clerk %s deactivated by %s", clerk.code, manager.code)
        console.write(f"{clerk.code} deactivated\n")
    return EXIT_OK


def cmd_clerk_list(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as ctx:
        with ctx.reading() as session:
            clerks = list_clerks(session)
        for clerk in clerks:
            state = "active" if clerk.active else "inactive"
            console.write(f"{clerk.code}\t{clerk.role.value}\t{state}\t{clerk.name}\n")
    return EXIT_OK


def cmd_void(args: argparse.Namespace, console: Console) -> int:
    pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ")
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(args.manager, pin, require=Role.MANAGER, station=args.station)
        with ctx.transaction() as session:
            void_intake(
                session,
                signer,
                receipt=args.receipt,
                reason=args.reason,
                manager=manager.code,
                now=ctx.clock(),
                replaced_by=args.replaced_by,
            )
        log.info("receipt %s voided by %s", args.receipt, manager.code)
        console.write(f"{args.receipt} void\n")
    return EXIT_OK


def _policy_line(policy: MinorsPolicy) -> str:
    consent = "accept" if policy.consent_accepted else "refuse"
    return f"age_limit={policy.age_limit} consent={consent} prefecture={policy.prefecture or '-'}\n"


def cmd_minors_policy(args: argparse.Namespace, console: Console) -> int:
    """Without options: print the rule in force.  With any: a manager changes it."""
    changing = any(v is not None for v in (args.age_limit, args.consent, args.prefecture))
    with opened(args) as ctx:
        with ctx.reading() as session:
            current = current_minors_policy(session)
        if not changing:
            console.write(_policy_line(current))
            return EXIT_OK
        if not args.manager:
            raise UserError(
                "変更には店長コード（--manager）が必要です",
                "a change needs a manager's code (--manager)",
            )
        pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ")
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(args.manager, pin, require=Role.MANAGER, station=args.station)
        wanted = MinorsPolicy(
            age_limit=current.age_limit if args.age_limit is None else args.age_limit,
            consent_accepted=(
                current.consent_accepted if args.consent is None else args.consent == "accept"
            ),
            prefecture=current.prefecture if args.prefecture is None else args.prefecture,
        )
        with ctx.transaction() as session:
            policy = set_minors_policy(
                session, signer, wanted, manager=manager.code, now=ctx.clock()
            )
        log.info("minors policy changed by %s", manager.code)
        console.write(_policy_line(policy))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, console: Console) -> int:
    checkpoints = [Checkpoint.parse(text) for text in args.checkpoint]
    with opened(args) as ctx, ctx.reading() as session:
        report = verify_all(
            session,
            ctx.keys_dir,
            trust=ctx.trust,
            fingerprints=args.fingerprint,
            checkpoints=checkpoints,
            progress=terminal_progress(),  # stderr, on a terminal only
        )
    for line in report.lines():
        console.write(line + "\n")
    if report.ok:
        return EXIT_OK
    log.warning("verify found tampering")
    return EXIT_TAMPERED


def cmd_slip(args: argparse.Namespace, console: Console) -> int:
    # Imported here: ReportLab and pyHanko would slow every other command's start.
    from desktop.slips import issue_slip  # noqa: PLC0415
    from reports.snapshot import SlipFormat  # noqa: PLC0415

    out_path = Path(args.out)
    require_folder_of(out_path)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        with ctx.transaction() as session:
            issued = issue_slip(
                session,
                signer,
                receipt=args.receipt,
                fmt=SlipFormat(args.format),
                reprint=args.reprint,
                catalogue=ctx.catalogue(),
                now=ctx.clock(),
                by=args.clerk or command_line_user(),
            )
    # The record and the stored slip are committed: a failure to write the file now
    # loses nothing, and a reprint gives the customer their copy.
    try:
        write_atomically(
            out_path, issued.pdf, stdout=console.binary if is_stdout(out_path) else None
        )
    except OSError as exc:
        raise UserError(
            f"控えは記録済みですが、ファイル {out_path} を書けませんでした（{exc.strerror}）。--reprint で再発行してください",
            f"the slip is recorded but {out_path} could not be written ({exc.strerror}): "
            "print it again with --reprint",
        ) from exc
    log.info("slip %s issue %d written", issued.receipt, issued.issue_no)
    if not is_stdout(out_path):  # the PDF itself was the output
        console.write(
            f"{issued.receipt} {issued.kind.value} issue {issued.issue_no} → {out_path}\n"
        )
    return EXIT_OK


def cmd_verify_slip(args: argparse.Namespace, console: Console) -> int:
    from desktop.slips import verify_slip  # noqa: PLC0415 - see cmd_slip

    try:
        pdf = Path(args.pdf).read_bytes()
    except OSError as exc:
        raise UserError(
            f"{args.pdf} を読み込めません: {exc.strerror}",
            f"cannot read {args.pdf}: {exc.strerror}",
        ) from exc
    with opened(args) as ctx, ctx.reading() as session:
        verdict = verify_slip(session, pdf)
    if verdict.ok:
        console.write(f"OK {verdict.reason}\n")
        return EXIT_OK
    console.write(f"NG {verdict.reason}\n")
    log.warning("verify-slip rejected a file: %s", verdict.reason)
    return EXIT_TAMPERED
