"""One counter PC, several OS accounts, one shop (issue 12, machine-wide data).

Real accounts: the test runs as root and starts each command as another uid with
``setpriv``; the group is ``users`` (gid 100 on Debian) standing in for the
``revoke-desk`` group the .deb creates.  The folders are made as the .deb's postinst
makes them (2770, setgid, root:group); the location file is root's, 0644.  Account A sets
the shop up, account B (in the group) takes an intake and verifies the whole shop,
account C (not in the group) can read nothing.
"""

from __future__ import annotations

import grp
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CLERK_PIN, MANAGER_PIN, example_document

ROOT = Path(__file__).resolve().parents[2]
GROUP = "users"


pytestmark = [
    pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to be other accounts"
    ),
    pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv (util-linux)"),
]


def _other_accounts_can_run_this_checkout() -> bool:
    """Whether another account can start this venv's Python on this checkout's code (not
    from a clone in a private folder such as ``mktemp -d``'s 0700 one)."""
    probe = subprocess.run(
        ["setpriv", "--reuid", str(A), "--regid", str(A), "--clear-groups",
         sys.executable, "-c", "import desktop"],
        env={"PYTHONPATH": str(ROOT), "HOME": "/tmp"}, cwd="/", capture_output=True,
        timeout=60, check=False,
    )  # fmt: skip
    return probe.returncode == 0


def group_id() -> int:
    try:
        return grp.getgrnam(GROUP).gr_gid
    except KeyError:
        pytest.skip(f"no group {GROUP!r} on this machine")


class Pc:
    """The machine-wide folders and the accounts that use them."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.gid = group_id()
        self.data = base / "var" / "data"
        self.trust = base / "var" / "trust"
        self.log = base / "var" / "log"
        for folder in (self.data, self.trust, self.log):  # as postinst makes them
            folder.mkdir(parents=True)
            os.chown(folder, 0, self.gid)
            folder.chmod(0o2770)
        (base / "var").chmod(0o755)
        self.location = base / "etc" / "location.json"
        self.location.parent.mkdir()
        # Readable by every account whatever umask an earlier test left in this process
        # (the app's own start sets 077, and in-process CLI tests run that start).
        self.location.parent.chmod(0o755)
        self.location.write_text(
            json.dumps(
                {
                    "format": 1,
                    "scope": "machine",
                    "data_dir": str(self.data),
                    "trust_dir": str(self.trust),
                    "log_dir": str(self.log),
                    "group": GROUP,
                }
            ),
            "utf-8",
        )
        self.location.chmod(0o644)

    def run(self, uid: int, *args: str, stdin: str = "", in_group: bool = True):
        home = self.base / f"home-{uid}"
        if not home.exists():
            home.mkdir()
            os.chown(home, uid, uid)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("REVOKE_DESK_", "XDG_"))
        }
        env.update(
            HOME=str(home),
            PYTHONPATH=str(ROOT),
            PYTHONDONTWRITEBYTECODE="1",
            REVOKE_DESK_LOCATION_FILE=str(self.location),
            REVOKE_DESK_KEY_PASSPHRASE=os.environ["REVOKE_DESK_KEY_PASSPHRASE"],
        )
        groups = ["--groups", str(self.gid)] if in_group else ["--clear-groups"]
        command = [
            "setpriv", "--reuid", str(uid), "--regid", str(uid), *groups,
            sys.executable, "-c", UNDER_UMASK_022, *args,
        ]  # fmt: skip
        return subprocess.run(
            command, cwd=home, env=env, input=stdin, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip

    def ok(self, uid: int, *args: str, stdin: str = "") -> str:
        done = self.run(uid, *args, stdin=stdin)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout


A, B, C = 4301, 4302, 4303
# The real entry point under the usual umask (a shell in between cannot reach the venv's
# interpreter here: its path runs through root's home).
UNDER_UMASK_022 = (
    "import os, runpy, sys; os.umask(0o022); sys.argv[0] = 'revoke-desk'; "
    "runpy.run_module('desktop', run_name='__main__')"
)


@pytest.fixture
def pc() -> Iterator[Pc]:
    if not _other_accounts_can_run_this_checkout():
        pytest.skip(f"another account cannot run the code in {ROOT} (a private folder)")
    # pytest's tmp_path lives under a 0700 folder of root's: the other accounts need a path
    base = Path(tempfile.mkdtemp(prefix="revoke-desk-shared-"))
    base.chmod(0o755)
    try:
        yield Pc(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_two_accounts_work_one_shop_and_a_third_reads_nothing(pc):
    pc.ok(A, "init", "--shop-name", "T", "--station", "S01", "--manager", "M01",
          stdin=f"{MANAGER_PIN}\n")  # fmt: skip
    pc.ok(A, "clerk", "add", "C01", "--name", "佐藤", "--manager", "M01",
          stdin=f"{MANAGER_PIN}\n{CLERK_PIN}\n")  # fmt: skip
    assert "machine-wide, group users" in pc.ok(B, "--version")

    # B, another account in the group, takes an intake with the same station key
    assert " accepted" in pc.ok(B, "intake", "--json", "-", stdin=json.dumps(example_document()))
    assert "S01: OK" in pc.ok(B, "verify")
    assert "S01: OK" in pc.ok(A, "verify")  # A sees B's intake, and B's witness

    db = pc.data / "revoke-desk.sqlite3"
    shop_files = [
        db,
        *(p for p in (pc.data / "keys").iterdir()),
        *(p for p in pc.log.iterdir() if p.is_file()),
        *(p for p in pc.trust.iterdir() if p.is_file()),
    ]
    for suffix in ("-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            shop_files.append(Path(f"{db}{suffix}"))
    owners = set()
    for path in shop_files:
        info = path.stat()
        owners.add(info.st_uid)
        assert stat.S_IMODE(info.st_mode) == 0o660, path
        assert info.st_gid == pc.gid, path
    assert {A, B} <= owners  # both accounts wrote files, each readable by the other
    for folder in (pc.data, pc.data / "keys", pc.trust, pc.log):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o2770, folder
        assert folder.stat().st_gid == pc.gid, folder

    # C, an account outside the group, gets a clear refusal and no data
    denied = pc.run(C, "verify", in_group=False)
    assert denied.returncode == 2, denied.stderr
    assert "must be in the group 'users'" in denied.stderr
    assert "Traceback" not in denied.stderr and "Logging error" not in denied.stderr
    peek = subprocess.run(
        ["setpriv", "--reuid", str(C), "--regid", str(C), "--clear-groups", "cat", str(db)],
        capture_output=True, check=False,
    )  # fmt: skip
    assert peek.returncode != 0 and b"Permission denied" in peek.stderr
