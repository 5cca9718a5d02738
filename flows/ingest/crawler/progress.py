"""The crawl's progress display: a rich progress bar per column on a terminal, nothing otherwise.
"""

from __future__ import annotations

import sys
import threading


class _Progress:
    """A rich progress bar per column on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool, total_columns: int):
        self.enabled = enabled and sys.stderr.isatty()
        self._p = None
        self._lock = threading.Lock()
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            self._p = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                               TimeElapsedColumn(), transient=False)
            self._overall = self._p.add_task("全部栏目", total=total_columns)

    def __enter__(self):
        if self._p:
            self._p.start()
        return self

    def __exit__(self, *exc):
        if self._p:
            self._p.stop()

    def column(self, name: str):
        if not self._p:
            return None
        with self._lock:
            return self._p.add_task(f"  {name[:24]}", total=None)

    def update(self, task, **kw):
        if self._p and task is not None:
            with self._lock:
                self._p.update(task, **kw)

    def done(self, task):
        if self._p and task is not None:
            with self._lock:
                self._p.remove_task(task)
                self._p.advance(self._overall)
