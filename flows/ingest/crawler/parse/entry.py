"""One entry of a column's list page (its URL, title and the date the list shows), shared by every list
reader: the config's selectors and the generic main-list finder (lists, generic_list), the Hanweb
datastore (hanweb) and JSON APIs (api_lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..dates import iso


@dataclass
class ListItem:
    url: str
    title: str
    list_date: date | None = None

    def as_row(self) -> dict:
        return {"url": self.url, "title": self.title, "list_date": iso(self.list_date)}
