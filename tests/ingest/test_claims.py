from flows.ingest.bulletin import parse_bulletin
from flows.ingest.claims import find_claims


def test_seed_claims(seed_path):
    claims = find_claims(parse_bulletin(seed_path).paragraphs)
    many = [c.name_raw for c in claims if c.polarity == "many"]
    few = [c.name_raw for c in claims if c.polarity == "few"]
    assert many == ["县自然资源局", "生态环境局", "公安局", "人社局", "禹山镇", "梅田湖镇", "北景港镇", "插旗镇"]
    # 表现突出的单位有… follows a sentence about units publishing little: it names the fewest
    assert few == ["小集成洪泛区", "医保局", "文旅广电局", "电视台", "水利局", "三封寺镇", "团洲乡"]


def test_lists_of_topics_are_not_claims():
    paragraphs = [("部分单位未按规定时限公开三公经费、项目资金、社会救助等信息，公开不及时。", "第1行"),
                  ("答复告知超期限、内容格式不规范等。", "第2行"),
                  ("甲局、乙局等部门公开数量较少。", "第3行")]
    claims = find_claims(paragraphs)
    assert [(c.polarity, c.name_raw, c.where) for c in claims] == [("few", "甲局", "第3行"), ("few", "乙局", "第3行")]
