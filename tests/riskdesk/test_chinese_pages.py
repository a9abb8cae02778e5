"""Every page a person can open, read in Chinese, has no English word left in it but
references, codes and what people typed (user data)."""

import html
import re

import pytest
from django.apps import apps
from django.db import models

from tests.urlwalk import fill, params, walk
from tests.world import route_values, values_for

ENGLISH_WORD = re.compile(r"(?<![\w.@/-])[A-Za-z]{3,}(?![\w@/-])")
# Words a Chinese office writes in Latin letters too: file formats, units, the product's
# standards and Word/Excel themselves.
# "English" is the language selector's name of English, written in English on purpose.
ALLOWED = {word.lower() for word in (
    "CSV", "Excel", "Word", "PDF", "MB", "docx", "xlsx", "png", "jpg", "jpeg", "GB", "URL",
    "English")}
SKIPPED = re.compile(r"<(script|style|code|pre|textarea)[^>]*>.*?</\1>", re.S)


def codes() -> set[str]:
    """The values of every choice (``high``, ``delivering``): codes, which the import's
    column help names as they are to be typed."""
    found = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            for value, _label in field.flatchoices or ():
                found.update(ENGLISH_WORD.findall(str(value)))
                found.update(str(value).split("_"))
    return found


def user_words() -> set[str]:
    """Every word in the database's text: what people typed (titles, names, notes)."""
    words = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField) and not f.choices]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                words.update(ENGLISH_WORD.findall(str(value or "")))
    return words


def visible_words(page: str) -> list[str]:
    text = SKIPPED.sub(" ", page)
    text = re.sub(r"<[^>]+>", " ", text)  # tags (attributes with them)
    return ENGLISH_WORD.findall(html.unescape(text))


def pages(world):
    table = route_values(world)
    for name, route in walk(raw=True):
        if route.startswith(("admin/", "api/")) or "/admin/" in route:
            continue
        names = params(route)
        values = values_for(name or "", names, table) if names else {}
        if values is not None:
            yield name, "/" + fill(route, values).lstrip("/")


@pytest.mark.parametrize("who", ["owner", "district_supervisor", "admin_user", "assessor"])
def test_no_english_word_is_left_on_a_chinese_page(request, client_for, world, who):
    client = client_for(request.getfixturevalue(who))
    client.cookies["django_language"] = "zh-hans"
    typed = user_words() | codes() | {request.getfixturevalue(who).get_username()}
    found = {}
    for _name, url in pages(world):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        english = sorted({word for word in visible_words(response.content.decode())
                          if word.lower() not in ALLOWED and word not in typed})
        if english:
            found[url] = english
    assert found == {}


def test_no_english_word_is_left_in_a_chinese_notice():
    from django.utils import translation

    from riskdesk.choices import NoticeKind
    from riskdesk.models import Notification
    from riskdesk.notify import render

    # every kind of notice, with the words the actions store (in English) and an ISO date
    words = {NoticeKind.ORDER_UPDATE: "closed", NoticeKind.EXTENSION: "granted"}
    with translation.override("zh-hans"):
        found = {}
        for kind in NoticeKind.values:
            notice = Notification(kind=kind, params={
                "ref": "RC-2026-00001", "title": "城北安置房项目", "date": "2026-03-05",
                "level": 1, "reason": "Follow-up overdue", "state": words.get(kind, "")})
            english = [word for word in ENGLISH_WORD.findall(render(notice))
                       if word.lower() not in ALLOWED]
            if english:
                found[kind] = english
    assert found == {}
