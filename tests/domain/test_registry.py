from datetime import date

import pytest

from flows.domain.registry import RegistryError, load_registry, normalize_name


def test_huarong_registry_has_the_seed_units(registry_path):
    reg = load_registry(registry_path, "华容县")
    h1 = reg.valid_units(date(2021, 1, 1), date(2021, 6, 30))
    assert len([u for u in h1 if u.category == "县直部门"]) == 36
    assert len([u for u in h1 if u.category == "乡镇"]) == 14


@pytest.mark.parametrize("alias, canonical", [
    ("生态环境局", "市生态环境局华容分局"), ("文旅广电局", "文化旅游广电局"), ("电视台", "广播电视台"),
    ("小集成洪泛区", "小集成洪泛区管委会"), ("县自然资源局", "自然资源局"), ("华容县公安局", "公安局"),
    ("人 社 局", "人社局"), ("医疗保障局", "医保局"),
])
def test_aliases_resolve(registry_path, alias, canonical):
    reg = load_registry(registry_path, "华容县")
    assert reg.resolve(alias, date(2021, 1, 1), date(2021, 6, 30)).unit == canonical


def test_validity_periods(registry_path):
    reg = load_registry(registry_path, "华容县")
    assert reg.resolve("扶贫办", date(2021, 1, 1), date(2021, 6, 30)).unit == "扶贫办"
    assert reg.resolve("扶贫办", date(2022, 1, 1), date(2022, 6, 30)) is None
    assert reg.resolve("乡村振兴局", date(2021, 1, 1), date(2021, 6, 30)) is None
    successor = reg.resolve("乡村振兴局", date(2022, 1, 1), date(2022, 6, 30))
    assert successor.successor_of == reg.resolve("扶贫办").unit_id


def test_normalize_name():
    assert normalize_name("　公安局 ") == "公安局"
    assert normalize_name("（Ａ）") == "(A)"


def _write(tmp_path, text):
    path = tmp_path / "reg.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_column_names_file_and_columns(tmp_path):
    path = _write(tmp_path, "unit_id,unit\nD1,公安局\n")
    with pytest.raises(RegistryError, match=r"reg\.csv.*第1行.*category"):
        load_registry(path)


def test_bad_order_names_row(tmp_path):
    path = _write(tmp_path, "unit_id,unit,category,display_order\nD1,公安局,县直部门,1\nD2,民政局,县直部门,x\n")
    with pytest.raises(RegistryError, match="第3行 display_order"):
        load_registry(path)


def test_ambiguous_alias_rejected(tmp_path):
    path = _write(tmp_path, "unit_id,unit,category,display_order,aliases\n"
                  "D1,公安局,县直部门,1,局\nD2,民政局,县直部门,2,局\n")
    with pytest.raises(RegistryError, match="第2行与第3行"):
        load_registry(path)


def test_duplicate_id_and_bad_date(tmp_path):
    with pytest.raises(RegistryError, match="重复"):
        load_registry(_write(tmp_path, "unit_id,unit,category,display_order\nD1,a,县直部门,1\nD1,b,县直部门,2\n"))
    with pytest.raises(RegistryError, match="valid_from"):
        load_registry(_write(tmp_path, "unit_id,unit,category,display_order,valid_from\nD1,a,县直部门,1,2021/1/1\n"))


def test_a_category_typo_or_a_huge_display_order_is_refused_naming_the_row(tmp_path):
    """其他类 would silently add a third attachment table; a 30-digit display_order overflows the warehouse (issue 21)."""
    from flows.domain.registry import RegistryError, load_registry

    head = "unit_id,unit,short_name,category,display_order,aliases\n"
    typo = tmp_path / "typo.csv"
    typo.write_text(head + "D01,财政局,财政局,县直部门,10,\nD02,档案馆,档案馆,其他类,20,\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"第3行 category 应为 县直部门、乡镇 之一.*其他类"):
        load_registry(typo, "华容县")
    huge = tmp_path / "huge.csv"
    huge.write_text(head + "D01,财政局,财政局,县直部门," + "9" * 30 + ",\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="第2行 display_order 应为"):
        load_registry(huge, "华容县")


def test_a_slug_too_long_for_a_file_name_is_refused(tmp_path):
    from flows.domain.config import ConfigError, load_config

    path = tmp_path / "c.toml"
    path.write_text(f'county = "华容县"\nslug = "{"a" * 300}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="最长 64 个字符"):
        load_config(path)


def test_a_registry_of_a_hundred_thousand_rows_is_refused_at_once(tmp_path):
    from flows.domain.registry import MAX_UNITS, RegistryError, load_registry

    path = tmp_path / "huge.csv"
    rows = "".join(f"D{i},单位{i},单位{i},县直部门,{i},\n" for i in range(100_000))
    path.write_text("unit_id,unit,short_name,category,display_order,aliases\n" + rows, encoding="utf-8")
    with pytest.raises(RegistryError, match=f"第{MAX_UNITS + 2}行：单位名册超过 {MAX_UNITS} 个单位的上限"):
        load_registry(path, "华容县")


def test_a_registry_saved_by_excel_in_gbk_reads_like_the_utf8_one(tmp_path, registry_path):
    """Excel on a Chinese Windows saves "CSV" in GBK: the same units, not a refusal (probe of issue 21)."""
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(registry_path.read_text(encoding="utf-8").encode("gbk"))
    assert gbk.read_bytes() != registry_path.read_bytes()
    utf8, excel = load_registry(registry_path), load_registry(gbk)
    assert [(u.unit_id, u.unit, u.category) for u in excel.units] == [(u.unit_id, u.unit, u.category)
                                                                     for u in utf8.units]
    assert len(excel.units) > 40


def test_a_registry_in_neither_encoding_names_the_file_and_both_encodings(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"unit_id,unit\n\x81\x20\xff\xfe\n")
    with pytest.raises(RegistryError, match=r"bad\.csv.*UTF-8（或 Excel 另存的 GBK）"):
        load_registry(bad)
