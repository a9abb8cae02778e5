"""The case page writes money and dates the reader's way."""


def test_the_case_page_shows_money_in_wan_in_chinese(client_for, owner, case):
    client = client_for(owner)
    client.cookies["django_language"] = "zh-hans"

    text = client.get(case.get_absolute_url()).content.decode()

    assert "120.00万元" in text  # the case's 1,200,000 yuan involved
    assert f"{case.created_at:%Y}年" in text  # dates as 2026年11月27日
