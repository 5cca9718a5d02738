"""Numbers the prose states: totals (全县共发布信息2450条), their parts (其中县直单位1454条，乡镇996条)
and unit-by-unit lists (县财政局3条、县教育局2条), which become a table of their own.

Sentences are split on 。；! ? and clauses on ，、; every regex is linear (bounded repetitions only).
"""

from __future__ import annotations

import re

from flows.ingest.document.model import Column, Identity, ReadTable, Record, Share, Stated
from flows.ingest.document.vocabulary import nfkc

_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d{1,9})\s{0,2}(?:余|多)?\s{0,2}(条|篇|件|次|份|个)(?!月|季|年|工作日|小时)")
_VERB = re.compile(r"(发布|公开|更新|报送|上报|采用|采纳|录用|刊发|受理|收到|办结|答复|转载)")
_TOTAL = re.compile(r"(共|总计|合计|累计|总数|总量|全[县区市旗州]|全年|各单位|各部门)")
_UNIT_END = re.compile(
    r"([\u4e00-\u9fff（）()]{1,24}?(?:局|委|办|室|镇|乡|街道|街道办事处|办事处|中心|院|所|站|队|会|部|处|馆|"
    r"政府|公司|集团|管委会|分局|支队|大队|法院|检察院|医院|学校|园区|社区|村|区|县|市|台|社|团|厂|场))$"
)
_PARTITIONS = (({"县直", "部门", "市直", "区直", "单位"}, {"乡镇", "街道", "镇"}),
               ({"自然人"}, {"法人", "组织", "企业"}), ({"省级", "省"}, {"市级", "市"}),
               ({"网站"}, {"新媒体", "微信", "公众号"}))


def sentences(paragraphs: list[tuple[str, str]]):
    for text, where in paragraphs:
        for s in re.split(r"(?<=[。；;！？!?])", nfkc(text)):
            if s.strip():
                yield s.strip(), where


def full_sentences(paragraphs: list[tuple[str, str]]):
    for text, where in paragraphs:
        for s in re.split(r"(?<=[。！？!?])", nfkc(text)):
            if s.strip():
                yield s.strip(), where


def _clauses(sentence: str) -> list[str]:
    return [c for c in re.split(r"[，,、：:（）();；]", sentence) if c.strip()]


def _subject(context: str) -> str:
    for word in ("全县", "全市", "全区", "全旗", "全州", "县直", "市直", "区直", "乡镇", "街道", "部门", "自然人",
                 "法人", "省级", "市级", "网站", "新媒体"):
        if word in context:
            return word
    m = _UNIT_END.search(re.sub(r"(共|累计|全年|发布|公开|更新|报送|上报|采用|采纳|录用|信息|政务|主动).*$", "", context))
    return m.group(1) if m else ""


def _numbers(sentence: str, where: str) -> list[Stated]:
    out = []
    start = 0
    for clause in _clauses(sentence):
        pos = sentence.find(clause, start)
        start = pos + len(clause) if pos >= 0 else start
        for m in _NUMBER.finditer(clause):
            context = clause[:m.start()]
            verbs = _VERB.findall(context)
            kind = "total" if _TOTAL.search(context) else "part"
            value = float(m.group(1).replace(",", ""))
            out.append(Stated(value=value, text=clause.strip(), sentence=sentence, where=where,
                              subject=_subject(context), verb=verbs[-1] if verbs else "", kind=kind))
    return out


def stated_numbers(paragraphs: list[tuple[str, str]]) -> tuple[list[Stated], list[Identity]]:
    """Every number with a count word the prose states, and the total/parts identities among them."""
    stated, identities = [], []
    for sentence, where in sentences(paragraphs):
        stated.extend(_numbers(sentence, where))
    previous: list[Stated] = []
    for sentence, where in full_sentences(paragraphs):  # “共N条，其中A条；B条；C条。”: to the full stop
        numbers = _numbers(sentence, where)
        identity = _identity(sentence, numbers, where)
        if identity is None and re.match(r"^\s{0,2}其中", sentence) and previous:
            # “全年主动公开政府信息224条……。其中，机构职能类信息13条……”: the total closes the sentence before
            identity = _identity(previous[0].sentence + sentence, previous[:1] + numbers, where)
        if identity:
            identities.append(identity)
        totals = [n for n in numbers if n.kind == "total" or n.verb]
        previous = totals or previous
    identities.extend(_breakdowns(paragraphs))
    return stated, identities


_BREAKDOWN = re.compile(r"^\s{0,4}(?:从|按)\s{0,2}([\u4e00-\u9fff]{2,10}?)\s{0,2}(?:来看|看|分|划分)\s{0,2}[，,：:]")


def _breakdowns(paragraphs: list[tuple[str, str]]) -> list[Identity]:
    """“累计公开政府信息106条。” then a paragraph “从公开内容来看，…1条…7条…”: a breakdown of that
    total by one classification, whose parts (same count word, shares excluded) add up to it."""
    out = []
    last_total: Stated | None = None
    for text, where in paragraphs:
        plain = nfkc(text)
        m = _BREAKDOWN.match(plain)
        if m and last_total is not None:
            unit = _count_word(last_total)
            parts = [n for s, w in sentences([(plain, where)]) for n in _numbers(s, w)
                     if _count_word(n) == unit and n.value != last_total.value]
            if len(parts) >= 2:
                out.append(Identity(total=last_total, parts=parts, exhaustive=True,
                                    sentence=f"{last_total.text}……{plain}", where=where))
            continue
        totals = [n for s, w in sentences([(plain, where)]) for n in _numbers(s, w) if n.kind == "total"]
        if totals:
            last_total = totals[0]
    return out


def _identity(sentence: str, numbers: list[Stated], where: str) -> Identity | None:
    """共N条，其中A条、B条 (or 分别为): a total and the parts after 其中 in the same sentence, same count word."""
    m = re.search(r"其中|分别[为是]?|包括", sentence)
    if not m:
        return None
    before = [n for n in numbers if sentence.find(n.text) < m.start()]
    after = [n for n in numbers if sentence.find(n.text) >= m.start() and n.text not in (b.text for b in before)]
    if not before or len(after) < 2:
        return None
    total = before[-1]
    unit = _count_word(total)
    parts = [p for p in after if _count_word(p) == unit]
    if len(parts) < 2:
        return None
    subjects = {p.subject for p in parts}
    exhaustive = (any(any(s in a for s in subjects) and any(s in b for s in subjects) for a, b in _PARTITIONS)
                  and len(parts) == 2) or "其他" in parts[-1].text  # a list closed by its catch-all (其他…)
    return Identity(total=total, parts=parts, exhaustive=exhaustive, sentence=sentence, where=where)


def _count_word(n: Stated) -> str:
    m = _NUMBER.search(n.text)
    return m.group(2) if m else ""


def _split_pairs(clause: str) -> list[str]:
    """“肥东县关工委 122篇 肥西县关工委 189篇”: pairs separated by spaces only, one clause each."""
    return re.split(r"(?<=[条篇件份个项次分])\s+(?=[\u4e00-\u9fff])", clause.strip())


_LIST_ITEM = re.compile(
    r"([\u4e00-\u9fff（）()]{2,24}?)\s{0,2}[（(]?\s{0,2}(\d{1,6})\s{0,2}(条|篇|件|份|个|项|次|分)[)）]?"
)


def _list_lines(paragraphs: list[tuple[str, str]]):
    """Runs of consecutive lines that are nothing but unit/count pairs (肥东县关工委 122篇 肥西县关工委 189篇),
    each run given as one text."""
    run: list[tuple[str, str]] = []
    for text, where in paragraphs:
        plain = nfkc(text)
        rest = _LIST_ITEM.sub("", plain)
        if _LIST_ITEM.search(plain) and not re.sub(r"[\s、，,；;。]", "", rest):
            run.append((plain, where))
            continue
        if len(run) >= 2:
            yield "、".join(t for t, _ in run), run[0][1], {w for _t, w in run}
        run = []
    if len(run) >= 2:
        yield "、".join(t for t, _ in run), run[0][1], {w for _t, w in run}


def prose_tables(paragraphs: list[tuple[str, str]]) -> list[ReadTable]:
    """Unit-by-unit lists in the prose (…局3条、…局2条): two or more units with the same count word in
    one sentence or one paragraph's run of ；-separated clauses."""
    tables = []
    listed = list(_list_lines(paragraphs))
    in_lists = {w for *_x, ws in listed for w in ws}
    for sentence, where in [*((t, w) for t, w, _ws in listed), *((s, w) for text, w in paragraphs if w not in in_lists
                                       for s in re.split(r"(?<=[。！？!?])", nfkc(text)))]:
        items = []
        for clause in (c for part in re.split(r"[、，,；;]", sentence) for c in _split_pairs(part)):
            m = _LIST_ITEM.search(clause.strip())
            if not m:
                continue
            name = re.sub(r"^(其中|分别是|分别为|依次为|为|是|有|即|包括|如|：|:)", "", m.group(1))
            name = re.sub(r"^.*?(?:为|是|有|：|:)(?=[\u4e00-\u9fff]{2,})", "", name) if len(name) > 12 else name
            unit = _UNIT_END.search(name)
            if unit and not _TOTAL.search(name):
                items.append((unit.group(1), int(m.group(2)), m.group(3), clause.strip()))
        if len(items) >= 2:
            words = [w for *_x, w, _c in items]
            word = max(set(words), key=words.count)
            column = {"分": "得分", "条": "条数", "篇": "篇数", "件": "件数", "份": "份数"}.get(word, "数量")
            table = ReadTable(title="正文所列各单位数字", headers=["单位", column],
                              columns=[Column(column, "score" if word == "分" else "count")],
                              from_prose=True, where=where)
            for unit, n, _w, clause in items:
                table.records.append(Record(unit=unit, raw={column: clause}, values={column: float(n)},
                                            decimals={column: 0}, where=where))
            tables.append(table)
    return tables


_SHARE = re.compile(r"(\d{1,9})\s{0,2}(?:余|多)?\s{0,2}(?:条|篇|件|个|份|次)[^，,。；;\d]{0,6}[，,]?\s{0,2}占(?:比|总数的?|全部的?)?"
                    r"[^\d%。；;，,]{0,6}?(\d{1,3}(?:\.\d{1,4})?)\s{0,2}%")


def identity_shares(identities: list[Identity]) -> list[Share]:
    """Shares printed beside the parts of a stated total (其中…1条，占比0.5%), each of that total."""
    out = []
    for ident in identities:
        total = ident.total.value
        if not total:
            continue
        for m in _SHARE.finditer(ident.sentence):
            printed = m.group(2)
            out.append(Share(part=float(m.group(1)), total=float(total), printed=float(printed),
                             decimals=len(printed.split(".")[1]) if "." in printed else 0,
                             text=m.group(0), where=ident.where))
    return out
