"""Configs as pydantic models: a TOML table is validated by a model declared with its keys, types,
defaults and bounds, and the first thing wrong becomes one line naming the file, the key and what was
expected (``ConfigError``) — never pydantic's multi-line report.

TOML already gives exact types, so the models are strict (no "3" for 3, no 1 for true) and refuse
keys they do not declare.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError



class ConfigError(ValueError):
    """A config that cannot be used; the message names the file, the key and what was expected."""


class Table(BaseModel):
    """A TOML table: its declared keys only, exact types."""
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


_EXPECTED = {
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "float_type": "应为数字",
    "bool_type": "应为 true / false",
    "list_type": "应为列表",
    "dict_type": "应为表（TOML table）",
    "model_type": "应为表（TOML table）",
    "missing": "缺少该项（必填）",
    "extra_forbidden": "是未知的键",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
}


def _where(loc: tuple) -> str:
    """('dask', 'n_workers') → dask.n_workers; ('counties', 0) → counties 第1项."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f" 第{part + 1}项"
        else:
            text += ("." if text and not text.endswith("项") else " " if text else "") + str(part)
    return text.strip()


def _table(loc: tuple) -> str:
    """How a message names a table: 顶层, [crawl] , [[sources]] 第2项, [rules.severity] ."""
    if not loc:
        return "顶层"
    if isinstance(loc[-1], int):
        return f"[[{'.'.join(str(p) for p in loc[:-1])}]] 第{loc[-1] + 1}项"
    return f"[{'.'.join(str(p) for p in loc if not isinstance(p, int))}] "


def _keys_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys the table at ``loc`` declares (following nested tables and lists of tables)."""
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        kinds = [info.annotation, *getattr(info.annotation, "__args__", ())] if info else []
        nested = [k for k in kinds if isinstance(k, type) and issubclass(k, BaseModel)]
        if not nested:
            return []
        model = nested[0]
    return list(model.model_fields)


def config_error(path: str | Path, exc: ValidationError, model: type[BaseModel] | None = None) -> ConfigError:
    """The first error of a validation as one line: ``<file>: <key> <what was expected>，实为 <value>``;
    an unknown key gets the nearest declared one."""
    error = exc.errors(include_url=False)[0]
    where = _where(tuple(error["loc"]))
    kind = error["type"]
    if kind == "value_error":  # a validator's own sentence
        said = str(error["ctx"]["error"])
        return ConfigError(f"{path}: {where}{'' if said.startswith('：') else ' '}{said}")
    if kind == "extra_forbidden":
        import difflib

        known = _keys_at(model, tuple(error["loc"])[:-1]) if model is not None else []
        key = str(error["loc"][-1])
        near = difflib.get_close_matches(key, known, n=1)
        hint = f"；是否应为 {near[0]!r}？" if near else (f"；可用的键：{', '.join(known)}" if known else "")
        return ConfigError(f"{path}: {_table(tuple(error['loc'])[:-1])}有未知的键 {key!r}{hint}")
    if kind in ("dict_type", "model_type"):
        return ConfigError(f"{path}: {_table(tuple(error['loc']))} 应为表（TOML table），实为 {error['input']!r}".replace(
            "  ", " "))
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(error["ctx"].values()))
        said = {"greater_than_equal": f"至少为 {bound}", "greater_than": f"应大于 {bound}",
                "less_than_equal": f"至多为 {bound}", "less_than": f"应小于 {bound}"}[kind]
    elif kind == "literal_error":
        said = "应为 " + str(error["ctx"]["expected"]).replace(" or ", " / ").replace(", ", " / ").replace("'", "")
    elif kind == "string_pattern_mismatch":
        said = "格式不对"
    else:
        said = _EXPECTED.get(kind, error["msg"])
    shown = "" if kind in ("missing",) else f"，实为 {error['input']!r}"
    return ConfigError(f"{path}: {where} {said}{shown}")


def validated(model: type[Table], data: dict, path: str | Path) -> Table:
    """``model`` from a TOML document, or ``ConfigError`` naming the file, the key and what was expected."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise config_error(path, exc, model) from None
