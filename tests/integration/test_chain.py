"""A chain of counters on a real PostgreSQL server, driven as two PCs would (issue 12).

Each "PC" is its own set of folders — key folder, trust folder, log folder, data and
config folders — given to every process it runs through the environment, so nothing
is shared between them but the database server.  Everything goes through the command
line in real processes:

1. PC A sets up the shop (S01) and a clerk; PC A starts writing intakes, and while it
   writes PC B joins with its own key folder and an existing manager's PIN (S02),
   then writes too: two processes, two chains, at once;
2. ``verify`` from each PC (each with its own pins and witness), against the
   fingerprints ``init`` printed;
3. a day close per station, each from its own PC, and ``verify-export`` of each
   folder from the other PC;
4. the 古物台帳 across both stations (``revoke-desk ledger``) and the head-office
   export, signed on PC B and verified on PC A;
5. ``pg_dump`` of the chain and ``pg_restore`` into a new database, then ``verify``
   (with the fingerprints and a day report's checkpoint from paper),
   ``verify-export`` and ``verify-head-office`` against the copy, whose append-only
   triggers still refuse a change.

The database URL carries a password (the test server trusts loopback and ignores it):
no output, log or trust file may show it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.conftest import CLERK_PIN, MANAGER_PIN

pytestmark = [pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[2]
SHOP_NAME = "リボーク質店 チェーン本店"
PASSWORD = "s3cret-Pw-not-shown"
TIMEOUT_S = 300
B_INTAKES = 12
A_MIN_INTAKES = 8  # PC A writes at least this many, and on until B has finished
A_MAX_INTAKES = 200

# Every command as `python -m desktop` runs it, with cheap scrypt for the keys it makes
# (as tests/conftest.py does in-process: unlocking a 2^17 key in every process would
# cost most of the test's time; the real cost is tested in tests/reliability).
RUNNER = """
import sys
import desktop.keys
desktop.keys.SCRYPT_LOG2_N = 10
from desktop.cli import run
sys.exit(run(sys.argv[1:]))
"""

# A counter writing intakes through the command line's own entry, one `intake` after
# another; it starts on the go line, writes `count` intakes and goes on while the stop
# file is missing (bounded), printing every result as a JSON line.
WRITER = """
import io, json, sys, time
from pathlib import Path
from desktop.cli import run
from tests.conftest import example_document
from tests.support.cli_shop import _Stdin

count, most, stop = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
done, deadline = 0, time.monotonic() + 300
while done < most and time.monotonic() < deadline and (done < count or not stop.exists()):
    document = example_document()
    if done % 3 == 2:
        document["revocation"]["performed_by"] = "staff"
    out, err = io.StringIO(), io.StringIO()
    code = run(["intake", "--json", "-"], out=out, err=err,
               stdin=_Stdin(json.dumps(document, ensure_ascii=False)))
    print(json.dumps({"code": code, "out": out.getvalue().strip(),
                      "err": err.getvalue().strip(), "at": time.time()}), flush=True)
    done += 1
print("done", flush=True)
"""


@dataclass
class PC:
    """One counter PC: its own folders, handed to each process it runs."""

    root: Path
    db_url: str
    outputs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("REVOKE_DESK_")}
        env.update(
            {
                "REVOKE_DESK_DB": self.db_url,
                "REVOKE_DESK_KEYS": str(self.keys),
                "REVOKE_DESK_TRUST_DIR": str(self.root / "trust"),
                "REVOKE_DESK_LOG_DIR": str(self.root / "log"),
                "REVOKE_DESK_KEY_PASSPHRASE": os.environ["REVOKE_DESK_KEY_PASSPHRASE"],
                "XDG_DATA_HOME": str(self.root / "xdg-data"),
                "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            }
        )
        self.env = env

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-c", RUNNER, *args],
            cwd=REPO,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        self.outputs.extend((done.stdout, done.stderr))
        return done

    def ok(self, *args: str, stdin: str = "") -> str:
        done = self(*args, stdin=stdin)
        assert done.returncode == 0, f"{args}: rc {done.returncode}\n{done.stdout}{done.stderr}"
        return done.stdout

    def writer(self, count: int, most: int, stop: Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", WRITER, str(count), str(most), str(stop)],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def fingerprint_of(init_output: str) -> str:
    found = re.search(r"certificate SHA-256 ([0-9a-f]{64})", init_output)
    assert found, init_output
    return found.group(1)


def start(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline().strip() == "ready"
    process.stdin.write("go\n")
    process.stdin.flush()


def results(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines if line.startswith("{")]


def finish(process: subprocess.Popen[str], already: list[str]) -> list[dict]:
    out, err = process.communicate(timeout=TIMEOUT_S)
    assert process.returncode == 0, err
    lines = [*already, *out.splitlines()]
    assert lines[-1] == "done", lines[-3:]
    return results(lines)


def libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_tool(name: str) -> str:
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3])
    )
    if found:
        return str(found[-1])
    return name  # on the PATH


@pytest.fixture
def chain_url(pg_url: str) -> str:
    """The test database's URL with a password in it."""
    return make_url(pg_url).set(password=PASSWORD).render_as_string(hide_password=False)


@pytest.fixture
def restored_url(pg_server: Engine, chain_url: str) -> Iterator[str]:
    """A second, empty database for the restore, dropped afterwards."""
    name = f"revoke_desk_test_restored_{uuid.uuid4().hex}"
    with pg_server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(chain_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with pg_server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_two_pcs_join_write_verify_close_report_and_survive_a_dump_and_restore(
    chain_url, restored_url, tmp_path
):
    pc_a = PC(tmp_path / "pc-a", chain_url)
    pc_b = PC(tmp_path / "pc-b", chain_url)
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Tokyo")).date().isoformat()

    # 1. PC A sets up the shop; it writes, and PC B joins while it does, then writes too.
    init_a = pc_a.ok(
        "init",
        "--shop-name",
        SHOP_NAME,
        "--station",
        "S01",
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n",
    )
    pc_a.ok("clerk", "add", "C01", "--name", "佐藤 花子", "--manager", "M01",
            stdin=f"{MANAGER_PIN}\n{CLERK_PIN}\n")  # fmt: skip
    stop = tmp_path / "stop-writing"
    writer_a = pc_a.writer(A_MIN_INTAKES, A_MAX_INTAKES, stop)
    a_lines: list[str] = []
    try:
        start(writer_a)
        assert writer_a.stdout is not None
        while len(results(a_lines)) < 3:  # A is writing
            line = writer_a.stdout.readline()
            assert line, "writer A stopped early"
            a_lines.append(line.strip())
        init_b = pc_b.ok("init", "--station", "S02", "--manager", "M01", stdin=f"{MANAGER_PIN}\n")
        writer_b = pc_b.writer(B_INTAKES, B_INTAKES, stop)
        try:
            start(writer_b)
            b_results = finish(writer_b, [])
        finally:
            if writer_b.poll() is None:
                writer_b.kill()
                writer_b.wait()
        stop.touch()
        a_results = finish(writer_a, a_lines)
    finally:
        stop.touch()
        if writer_a.poll() is None:
            writer_a.kill()
            writer_a.wait()

    assert f"店舗「{SHOP_NAME}」にレジを追加しました" in init_b
    fp_a, fp_b = fingerprint_of(init_a), fingerprint_of(init_b)
    assert fp_a != fp_b
    assert sorted(p.name for p in pc_a.keys.iterdir()) == ["S01.cert.pem", "S01.key.pem"]
    assert sorted(p.name for p in pc_b.keys.iterdir()) == ["S02.cert.pem", "S02.key.pem"]
    for who, found in (("S01", a_results), ("S02", b_results)):
        assert [r["err"] for r in found if r["code"] != 0] == [], who
        assert all(r["out"].startswith(f"{who}-") for r in found), who
    assert len(b_results) == B_INTAKES and len(a_results) >= A_MIN_INTAKES
    # The two chains were written at the same time: B's intakes fall inside A's.
    a_times = [r["at"] for r in a_results]
    b_times = [r["at"] for r in b_results]
    assert min(a_times) < min(b_times) and max(b_times) < max(a_times)
    receipts = {
        who: [r["out"].split()[0] for r in found]
        for who, found in (("S01", a_results), ("S02", b_results))
    }
    accepted = {
        who: [r["out"].split()[0] for r in found if r["out"].endswith(" accepted")]
        for who, found in (("S01", a_results), ("S02", b_results))
    }
    for who, numbers in receipts.items():
        assert [int(n[-4:]) for n in numbers] == list(range(1, len(numbers) + 1)), who

    # 2. verify from each PC, with both fingerprints from paper.
    fingerprints = ("--fingerprint", f"S01:{fp_a[:16]}", "--fingerprint", f"S02:{fp_b[:16]}")
    for pc in (pc_a, pc_b):
        report = pc.ok("verify", *fingerprints)
        assert re.search(rf"^S01: OK, {len(receipts['S01']) + 3} entries", report, re.M), report
        # S02: station_created, then its intakes.
        assert re.search(rf"^S02: OK, {len(receipts['S02']) + 1} entries", report, re.M), report
        assert "NG" not in report
    # Each PC pinned its own station at set-up, and witnessed the chain it wrote.
    for pc, code, fingerprint in ((pc_a, "S01", fp_a), (pc_b, "S02", fp_b)):
        (trust_file,) = (pc.root / "trust").glob("*.json")
        stations = json.loads(trust_file.read_text(encoding="utf-8"))["stations"]
        assert stations[code]["fingerprints"] == [fingerprint]
        assert stations[code]["head"]["seq"] >= 1

    # 3. A day close per station, each from its own PC; each folder checked from the other.
    closes: dict[str, tuple[Path, str]] = {}
    for pc, code in ((pc_a, "S01"), (pc_b, "S02")):
        folder = pc.root / f"close-{code}"
        out = pc.ok(
            "close-day",
            "--date",
            today,
            "--out",
            str(folder),
            "--manager",
            "M01",
            "--station",
            code,
            stdin=f"{MANAGER_PIN}\n",
        )
        assert f"closed {code} {today}" in out
        head = re.search(r"chain head #(\d+) ([0-9a-f]{64})", out)
        assert head, out
        closes[code] = (folder, f"{code}:{head.group(1)}:{head.group(2)[:16]}")
    for pc, other in ((pc_a, "S02"), (pc_b, "S01")):
        out = pc.ok("verify-export", str(closes[other][0]))
        assert out.startswith(f"OK {other} {today}")

    # 4. The 古物台帳 across the stations, and the head-office export (signed on B,
    # checked on A).
    ledger_csv = pc_a.root / "ledger.csv"
    pc_a.ok("ledger", "--from", today, "--to", today, "--csv", "-o", str(ledger_csv))
    ledger_text = ledger_csv.read_bytes().decode("utf-8-sig")
    for who in ("S01", "S02"):
        for receipt in receipts[who]:
            assert (receipt in ledger_text) == (receipt in accepted[who]), receipt
    head_office = pc_b.root / "head-office"
    out = pc_b.ok(
        "head-office-export",
        "--date",
        today,
        "--out",
        str(head_office),
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert "2 stations" in out
    verified = pc_a.ok("verify-head-office", str(head_office), "--fingerprint", fp_b[:16])
    assert "signed by S02 (2 stations: S01, S02)" in verified
    rows = list(csv.DictReader(io.StringIO((head_office / "intakes.csv").read_text("utf-8-sig"))))
    assert sorted(r["受付番号 receipt"] for r in rows) == sorted(receipts["S01"] + receipts["S02"])
    manifest = json.loads((head_office / "manifest.json").read_text(encoding="utf-8"))
    assert [c["day"] for c in manifest["stations"]["S01"]["closes"]] == [today]
    assert [c["day"] for c in manifest["stations"]["S02"]["closes"]] == [today]

    # 5. pg_dump of the chain, pg_restore into a new database, and verify the copy.
    dump = tmp_path / "chain.dump"
    subprocess.run(
        [pg_tool("pg_dump"), "--format=custom", "--file", str(dump), libpq(chain_url)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT_S,
    )
    subprocess.run(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            libpq(restored_url),
            str(dump),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT_S,
    )
    checkpoints = ("--checkpoint", closes["S01"][1], "--checkpoint", closes["S02"][1])
    for pc in (pc_a, pc_b):
        report = pc.ok("verify", "--db", restored_url, *fingerprints, *checkpoints)
        assert re.search(r"^S01: OK", report, re.M) and re.search(r"^S02: OK", report, re.M)
        assert "NG" not in report
        # A new database to this PC: no pin or witness for it, so paper is the check.
        assert "holds no pin or witness for this database" in report
    for code in ("S01", "S02"):
        assert pc_a.ok("verify-export", "--db", restored_url, str(closes[code][0])).startswith(
            f"OK {code}"
        )
    assert "OK head office" in pc_b.ok("verify-head-office", "--db", restored_url, str(head_office))
    copy = create_engine(restored_url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), copy.begin() as conn:
            conn.execute(text("DELETE FROM ledger_entry WHERE station = 'S01'"))
        with copy.connect() as conn:
            counts = dict(
                conn.execute(text("SELECT station, count(*) FROM intake GROUP BY station")).all()
            )
        assert counts == {"S01": len(receipts["S01"]), "S02": len(receipts["S02"])}
    finally:
        copy.dispose()

    print(
        f"\nPC A wrote {len(receipts['S01'])} intakes on S01 while PC B joined and wrote "
        f"{len(receipts['S02'])} on S02; dump {dump.stat().st_size} bytes"
    )
    # The database password was never shown: no output, log or trust file holds it.
    shown = "\n".join(pc_a.outputs + pc_b.outputs)
    assert "database: postgresql+psycopg://postgres:***@" in init_a
    assert PASSWORD not in shown
    for pc in (pc_a, pc_b):
        for path in pc.root.rglob("*"):
            if path.is_file() and path.suffix != ".dump":
                assert PASSWORD.encode() not in path.read_bytes(), path
