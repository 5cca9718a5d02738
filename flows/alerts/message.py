"""The alert's message: whether a run alerts at all, and its title and body in Chinese, cut to what
the group bots accept (``MAX_MESSAGE_BYTES``).
"""

from __future__ import annotations


# WeCom group bots reject text messages over 2048 bytes; DingTalk's limit is larger.
MAX_MESSAGE_BYTES = 2048
TITLE_PREFIX = "【政务公开数据核查】"

STATUS_LABELS = {"draft": "草稿", "final": "正式", "failed": "运行失败"}


def should_alert(status: str, notify_success: bool) -> bool:
    """Alert on a draft (a blocking check failed) or a failed run; on final only if asked.

    An unknown status alerts too: something unexpected happened and the office should know.
    """
    status = (status or "").strip().lower()
    if status == "final":
        return bool(notify_success)
    return True


def _period_label(summary: dict) -> str:
    label = summary.get("period_label")
    if label:
        return str(label)
    period = summary.get("period")
    if not period:
        return "（期间未知）"
    try:
        from flows.domain.periods import parse_period

        return parse_period(str(period)).label
    except Exception:  # noqa: BLE001 - a label is a nicety, never a reason to fail
        return str(period)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _truncate_bytes(text: str, max_bytes: int, ellipsis: str = "…") -> str:
    """Cut ``text`` so that it fits in ``max_bytes`` UTF-8 bytes, at a character boundary."""
    if _utf8_len(text) <= max_bytes:
        return text
    budget = max_bytes - _utf8_len(ellipsis)
    if budget <= 0:
        return ""
    out, used = [], 0
    for ch in text:
        n = _utf8_len(ch)
        if used + n > budget:
            break
        out.append(ch)
        used += n
    return "".join(out) + ellipsis


def _one_line(text: object, max_chars: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= max_chars else flat[: max_chars - 1] + "…"


def compose_alert(summary: dict, *, max_bytes: int = MAX_MESSAGE_BYTES) -> tuple[str, str]:
    """(title, body) in short office Chinese for one run summary (a subset of run.json).

    ``title + "\\r\\n" + body`` (how bots that have no title field show it) fits in
    ``max_bytes`` UTF-8 bytes: when the list of failed checks is too long, it is cut at a
    whole line and ends with "…（共N项，余见报告）"; the draft and report locations are kept.
    """
    county = str(summary.get("county") or "（县区未知）")
    period_label = _period_label(summary)
    period_code = str(summary.get("period") or "")
    status = str(summary.get("status") or "").strip().lower()
    status_label = STATUS_LABELS.get(status, f"未知（{status or '无'}）")
    checks = [c for c in (summary.get("failed_checks") or []) if isinstance(c, dict)]
    blocking = [c for c in checks if c.get("blocking", True)]
    n = len(checks)
    subject = f"{TITLE_PREFIX}{county}{period_label}通报"

    if status == "failed":
        title = f"{subject}生成失败"
    elif status == "draft":
        title = f"{subject}为草稿：{n}项检查未通过" if n else f"{subject}为草稿"
    elif status == "final":
        title = f"{subject}已生成正式稿" + (f"（{n}项提示）" if n else "")
    else:
        title = f"{subject}状态异常：{status_label}"
    title = _truncate_bytes(title, max(64, max_bytes // 4))

    head = [f"县区：{county}"]
    head.append(f"期间：{period_label}" + (f"（{period_code}）" if period_code and period_code != period_label else ""))
    if status == "draft":
        head.append("状态：草稿（有阻断性检查未通过，暂不能作为正式稿发布）" if blocking else "状态：草稿")
    elif status == "failed":
        head.append("状态：运行失败（未生成通报）")
    elif status == "final":
        head.append("状态：正式" + ("（阻断性检查均已通过）" if n else "（全部检查通过）"))
    else:
        head.append(f"状态：{status_label}")
    error = summary.get("error")
    if error:
        head.append(f"错误：{_one_line(error, 300)}")

    check_lines = []
    if checks:
        head.append(f"未通过的检查（{n}项）：" if status != "final" else f"提示（{n}项）：")
        # blocking checks first: they are what keeps the bulletin a draft
        ordered = blocking + [c for c in checks if not c.get("blocking", True)]
        for i, check in enumerate(ordered, 1):
            message = _one_line(check.get("message") or check.get("name") or "（无说明）", 400)
            kind = "阻断" if check.get("blocking", True) else "提示"
            name = check.get("name")
            check_lines.append(f"{i}. {message}（{kind}" + (f"，{name}）" if name else "）"))

    tail = []
    if summary.get("outputs_dir"):
        tail.append(("草稿位置：" if status == "draft" else "输出位置：") + str(summary["outputs_dir"]))
    if summary.get("validation_index"):
        tail.append(f"核查报告：{summary['validation_index']}")
    if status == "draft":
        tail.append("请核实上述数据，修正后重新运行。")
    elif status == "failed":
        tail.append("请联系技术人员查看运行日志后重新运行。")

    budget = max_bytes - _utf8_len(title) - 2  # "\r\n" between title and body
    body = _fit_body(head, check_lines, tail, n, budget)
    return title, body


def _fit_body(head: list[str], checks: list[str], tail: list[str], total: int, budget: int) -> str:
    def join(lines: list[str]) -> str:
        return "\n".join(lines)

    body = join(head + checks + tail)
    if _utf8_len(body) <= budget:
        return body
    more = f"…（共{total}项，余见报告）"
    for keep in range(len(checks) - 1, -1, -1):
        kept = checks[:keep]
        body = join(head + kept + [more] + tail)
        if _utf8_len(body) <= budget:
            if keep == 0 and checks:
                # room for part of the first check at least?
                room = budget - _utf8_len(body) - 1
                first = _truncate_bytes(checks[0], room)
                if first and first != "…":
                    body = join(head + [first, more] + tail)
            return body
    # even the head and tail do not fit (absurdly long paths or a tiny budget)
    return _truncate_bytes(join(head + [more] + tail), max(budget, 0))
