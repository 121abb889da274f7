"""A writer process for the reliability tests: commits intakes in a loop.

Prints each receipt line only after its transaction has committed, then flushes,
exactly as the command line does; the parent may kill it at any instant.

    python -m tests.support.writer DB_URL KEYS_DIR [COUNT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.app import AppContext
from tests.conftest import example_document
from tests.support.intakes import commit_document


def main() -> None:
    db_url, keys_dir = sys.argv[1], Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    ctx = AppContext.open(db_url, keys_dir)
    print("ready", flush=True)
    for index in range(count):
        document = example_document()
        # Alternate outcomes so both kinds of record are in flight.
        if index % 3 == 2:
            document["revocation"]["performed_by"] = "staff"
        receipt = commit_document(ctx, document)
        print(receipt.line(), flush=True)
    ctx.close()


if __name__ == "__main__":
    main()
