"""The crawl store: raw responses, compressed and content-addressed, plus a SQLite index.

Layout (one directory per county, e.g. ``var/crawl/huarong/``, beside the warehouse)::

    objects/ab/cdef0123….gz   gzip of a response body, named by the sha256 of the body
    index.sqlite              responses (latest per URL), column membership, crawl runs

Every write is atomic (temp file + rename; one SQLite transaction per response) so a crawl killed
at any moment leaves a consistent store and the next run resumes from it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from transforms.model_files import sql
from transforms.runner import connect_crawl_index

from .dates import SHANGHAI



def now_iso() -> str:
    return datetime.now(SHANGHAI).isoformat(timespec="seconds")


@dataclass
class StoredResponse:
    url: str
    final_url: str | None
    method: str
    status: int | None
    outcome: str
    reason: str | None
    headers: dict
    etag: str | None
    last_modified: str | None
    encoding: str | None
    sha256: str | None
    size: int | None
    fetched_at: str | None
    crawl_id: str | None
    kind: str | None


class CrawlStore:
    """Thread-safe store; one instance per crawl."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "index.sqlite"
        self._lock = threading.RLock()
        self._db = connect_crawl_index(self.db_path)  # SQL: transforms/crawl_store/

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "CrawlStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- objects -------------------------------------------------------------------------------
    def object_path(self, sha: str) -> Path:
        return self.root / "objects" / sha[:2] / f"{sha[2:]}.gz"

    def put_body(self, body: bytes) -> str:
        sha = hashlib.sha256(body).hexdigest()
        path = self.object_path(sha)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(gzip.compress(body, compresslevel=6, mtime=0))
            os.replace(tmp, path)
        return sha

    def get_body(self, sha: str) -> bytes | None:
        try:
            return gzip.decompress(self.object_path(sha).read_bytes())
        except (FileNotFoundError, OSError, EOFError):
            return None

    # --- responses -----------------------------------------------------------------------------
    def record(self, url: str, *, final_url: str | None = None, method: str = "GET",
               status: int | None = None, outcome: str, reason: str | None = None,
               headers: dict | None = None, encoding: str | None = None, body: bytes | None = None,
               crawl_id: str | None = None, kind: str = "other", fetched_at: str | None = None,
               keep_validators_from: StoredResponse | None = None) -> StoredResponse:
        """Store a response (body first, then its index row: a crash in between loses nothing)."""
        sha = self.put_body(body) if body is not None else None
        headers = dict(headers or {})
        lower = {k.lower(): v for k, v in headers.items()}
        etag, last_mod = lower.get("etag"), lower.get("last-modified")
        size = len(body) if body is not None else None
        if keep_validators_from is not None:  # a 304 keeps the earlier body and validators
            prev = keep_validators_from
            sha, size = prev.sha256, prev.size
            etag, last_mod = etag or prev.etag, last_mod or prev.last_modified
            encoding = encoding or prev.encoding
        row = StoredResponse(url=url, final_url=final_url or url, method=method, status=status,
                             outcome=outcome, reason=reason, headers=headers, etag=etag,
                             last_modified=last_mod, encoding=encoding, sha256=sha, size=size,
                             fetched_at=fetched_at or now_iso(), crawl_id=crawl_id, kind=kind)
        with self._lock:
            self._db.execute(
                sql("crawl_store/insert_response"),
                (row.url, row.final_url, row.method, row.status, row.outcome, row.reason,
                 json.dumps(row.headers, ensure_ascii=False), row.etag, row.last_modified,
                 row.encoding, row.sha256, row.size, row.fetched_at, row.crawl_id, row.kind),
            )
        return row

    def get(self, url: str) -> StoredResponse | None:
        with self._lock:
            r = self._db.execute(sql("crawl_store/response"), (url,)).fetchone()
        if r is None:
            return None
        return StoredResponse(url=r[0], final_url=r[1], method=r[2], status=r[3], outcome=r[4],
                              reason=r[5], headers=json.loads(r[6] or "{}"), etag=r[7],
                              last_modified=r[8], encoding=r[9], sha256=r[10], size=r[11],
                              fetched_at=r[12], crawl_id=r[13], kind=r[14])

    def responses(self, kind: str | None = None) -> list[StoredResponse]:
        with self._lock:
            urls = [r[0] for r in self._db.execute(
                sql("crawl_store/response_urls"), {"kind": kind})]
        return [s for s in (self.get(u) for u in urls) if s is not None]

    # --- columns -------------------------------------------------------------------------------
    def add_column_items(self, column_url: str, rows: list[dict], crawl_id: str, page: int) -> None:
        with self._lock:
            self._db.execute(sql("crawl_store/begin"))
            try:
                for pos, r in enumerate(rows):
                    self._db.execute(
                        sql("crawl_store/upsert_column_item"),
                        (column_url, r["url"], r.get("title"), r.get("list_date"), page, pos,
                         crawl_id, crawl_id))
                self._db.execute(sql("crawl_store/commit"))
            except BaseException:
                self._db.execute(sql("crawl_store/rollback"))
                raise

    def column_items(self, column_url: str, include_gone: bool = False) -> list[dict]:
        with self._lock:
            rows = self._db.execute(
                sql("crawl_store/column_items"),
                {"column_url": column_url, "include_gone": int(include_gone)}).fetchall()
        return [dict(url=r[0], title=r[1], list_date=r[2], page=r[3], position=r[4],
                     first_crawl=r[5], last_crawl=r[6]) for r in rows]

    def known_urls(self, column_url: str, exclude_crawl: str | None = None) -> set[str]:
        with self._lock:
            return {r[0] for r in self._db.execute(
                sql("crawl_store/known_urls"),
                (column_url, exclude_crawl))}

    def mark_gone(self, column_url: str, crawl_id: str) -> None:
        with self._lock:
            self._db.execute(sql("crawl_store/mark_gone"),
                             (column_url, crawl_id))

    def set_column_state(self, column_url: str, *, complete_crawl: str | None, status: str,
                         reason: str | None, pages: int) -> None:
        with self._lock:
            if complete_crawl == "":  # explicitly incomplete
                complete_crawl = None
            elif complete_crawl is None:  # keep the last complete crawl
                prev = self._db.execute(sql("crawl_store/last_complete_crawl"),
                                        (column_url,)).fetchone()
                complete_crawl = prev[0] if prev else None
            self._db.execute(sql("crawl_store/set_column_state"),
                             (column_url, complete_crawl, status, reason, pages, now_iso()))

    def column_state(self, column_url: str) -> dict | None:
        with self._lock:
            r = self._db.execute(sql("crawl_store/column_state"), (column_url,)).fetchone()
        return dict(complete_crawl=r[0], status=r[1], reason=r[2], pages=r[3], updated_at=r[4]) if r else None

    # --- crawl runs ----------------------------------------------------------------------------
    def begin_crawl(self, config_name: str) -> tuple[str, bool]:
        """(crawl_id, resuming). An unfinished crawl of the same config is resumed."""
        with self._lock:
            r = self._db.execute(
                sql("crawl_store/unfinished_crawl"), (config_name,)).fetchone()
            if r:
                return r[0], True
            crawl_id = datetime.now(SHANGHAI).strftime("%Y%m%dT%H%M%S") + f"-{os.getpid() % 10000:04d}"
            n = 0
            while self._db.execute(sql("crawl_store/crawl_exists"), (crawl_id,)).fetchone():
                n += 1
                crawl_id = crawl_id.split("~")[0] + f"~{n}"
            self._db.execute(sql("crawl_store/insert_crawl"),
                             (crawl_id, now_iso(), None, config_name, None))
            return crawl_id, False

    def finish_crawl(self, crawl_id: str, summary: dict) -> None:
        with self._lock:
            self._db.execute(sql("crawl_store/finish_crawl"),
                             (now_iso(), json.dumps(summary, ensure_ascii=False), crawl_id))

    def crawls(self) -> list[dict]:
        with self._lock:
            rows = self._db.execute(sql("crawl_store/crawls")).fetchall()
        return [dict(crawl_id=r[0], started_at=r[1], finished_at=r[2], config_name=r[3],
                     summary=json.loads(r[4]) if r[4] else None) for r in rows]
