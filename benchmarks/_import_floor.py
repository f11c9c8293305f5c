"""The floor an importer cannot beat by much: csv + sha256 + one sqlite3 executemany.

Reads a two-column CSV (text, label), hashes each text, and inserts (id, hash, text,
label) into a bare table with a primary key, in one transaction, with the same WAL and
synchronous settings as the store. No validation, provenance, annotations or dedupe by
label: the baseline ``import_1m.py`` compares textloop's import against.

    python benchmarks/_import_floor.py rows.csv out.db
"""

from __future__ import annotations

import csv
import hashlib
import sqlite3
import sys


def main(source: str, database: str) -> None:
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE rows (id TEXT PRIMARY KEY, hash TEXT, text TEXT, label TEXT)")
    conn.execute("BEGIN")
    with open(source, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch = []
        for text, label in reader:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            batch.append((digest[:16], digest, text, label))
            if len(batch) == 50_000:
                conn.executemany("INSERT OR IGNORE INTO rows VALUES (?, ?, ?, ?)", batch)
                batch = []
        conn.executemany("INSERT OR IGNORE INTO rows VALUES (?, ?, ?, ?)", batch)
    conn.execute("COMMIT")
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
