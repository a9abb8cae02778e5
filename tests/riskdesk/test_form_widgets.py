"""Form widgets come from Django's widget templates drawn by Jinja2; the admin's own
widgets, which Django ships only as Django templates, still draw in the admin. The list's
filter widgets: tests/cases/test_list_filter_form.py."""


def test_the_admin_draws_its_own_widgets(client_for, admin_user, owner):
    # given an administrator in the Django admin
    client = client_for(admin_user)

    # when they open forms with the admin's related-object, date and two-list widgets
    user_page = client.get(f"/admin/auth/user/{owner.pk}/change/")
    period_page = client.get("/admin/cases/securityperiod/add/")

    # then the pages are drawn, widgets included
    assert user_page.status_code == 200
    assert 'class="related-widget-wrapper"' in user_page.content.decode()
    assert period_page.status_code == 200
    assert 'class="vDateField"' in period_page.content.decode()
