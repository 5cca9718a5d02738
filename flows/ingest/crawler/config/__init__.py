"""Crawl configuration: one TOML file per county portal, on top of a CMS preset.

A config names the portal (base URL, allowed hosts, contact for the User-Agent), the disclosure
columns (name, list URL, column type for the freshness rules, owning unit), how list pages paginate,
how list items and article pages are read (CSS selectors) and how metadata labels map to fields.
Anything the file leaves out comes from its preset, so a new portal needs selectors only where its
template differs. The format is documented with an example in docs/crawler.md.

Presets (docs/domain.md §5, "How county portals are built"):

- ``trs``: TRS WCM. Lists ``index.html``, ``index_1.html`` …; page count in
  ``createPageHTML(count, current, "index", "html")``; body in ``div.TRS_Editor``.
- ``hanweb``: Hanweb/大汉 JCMS. Lists ``/col/col{ID}/index.html`` with items in an XML
  ``<datastore>`` (CDATA ``<li>`` records); further records by POST to
  ``/module/web/jpage/dataproxy.jsp`` with ``startrecord``/``endrecord``/``perpage``.
- ``yueyang``: the Yueyang-family template of Huarong's portal. Lists ``index.htm``,
  ``index_1.htm`` …, "1/37页" page counts; items ``ul > li > a[title] + span``; articles
  ``content_{id}.html`` with ``<meta name="ArticleTitle|PubDate|ContentSource">`` and the labels
  索引号 / 发布机构 / 公开范围 / 生成日期 / 公开日期 / 公开方式.

Modules: ``model`` (the dataclasses, ConfigError), ``presets`` (PRESETS, column types), ``validation``
(value checks), ``loading`` (TOML/dict → config, make_config, with_rate, with_limits), ``writing``
(config → TOML), ``discovery`` (columns found from a start page). Every public name is importable
from this package.
"""

from __future__ import annotations

from .model import (  # noqa: F401 (re-exported)
    COLUMN_TYPES,
    COMMON_LABELS,
    Column,
    ConfigError,
    CrawlConfig,
    DOC_DATE_FROM_BODY,
    Limits,
    META_FIELDS,
    PAGING_KINDS,
    Paging,
    Politeness,
    Selectors,
    USER_AGENT,
    host_allowed,
)
from .presets import PRESETS, infer_column_type  # noqa: F401 (re-exported)
from .validation import LIMIT_FLAGS  # noqa: F401 (re-exported)
from .loading import (  # noqa: F401 (re-exported)
    config_from_dict,
    load_crawl_config,
    make_config,
    with_limits,
    with_rate,
)
from .writing import config_to_toml, write_config  # noqa: F401 (re-exported)
