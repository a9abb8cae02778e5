"""The case page writes money and dates the reader's way."""


def test_the_case_page_shows_money_in_wan_in_chinese(client_for, owner, case):
    client = client_for(owner)
    client.cookies["django_language"] = "zh-hans"

    text = client.get(case.get_absolute_url()).content.decode()

    assert "120.00万元" in text  # the case's 1,200,000 yuan involved
    assert f"{case.created_at:%Y}年" in text  # dates as 2026年11月27日


def test_a_shown_amount_is_labelled_without_a_unit_a_typed_one_in_yuan(
    client_for, owner, case
):
    # given a wage case of 1,200,000 yuan, read in Chinese
    client = client_for(owner)
    client.cookies["django_language"] = "zh-hans"

    # when its page and its edit form are opened
    page = client.get(case.get_absolute_url()).content.decode()
    form = client.get(f"{case.get_absolute_url()}edit/").content.decode()

    # then the page's figure says 万元 once, under a label without 元; the form asks in 元
    assert "<dt>拖欠工资</dt><dd>120.00万元</dd>" in page
    assert "（元）</dt>" not in page
    assert "拖欠工资（元）" in form


def test_the_case_page_says_first_which_order_to_answer_by_when(
        client_for, owner, case, district_supervisor):
    import datetime

    from django.utils import timezone

    from cases import actions
    from cases.choices import SupervisionLevel

    due = timezone.localdate() + datetime.timedelta(days=5)
    order = actions.issue_order(user=district_supervisor, case=case,
                                level=SupervisionLevel.DISTRICT, instructions="Report.",
                                due_date=due)

    text = client_for(owner).get(case.get_absolute_url()).content.decode()

    nextup = text[text.index('id="nextup-title"'):text.index('id="orders-title"')]
    assert (f'Answer <a href="#order-{order.pk}">supervision order #{order.pk}</a> '
            f"by {due.isoformat()}.") in nextup
