"""Both languages are complete: every string has a Chinese translation, compiled.

`.ci/run` refreshes the catalogue from the code first (`makemessages`), so a new string
that nobody translated fails here.
"""

import re
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy (check and clear the flag): {fuzzy}"


def test_translations_keep_every_placeholder():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    for entry in po.translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(entry.msgid)), (
                f"{entry.msgid!r} -> {text!r}"
            )


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo}
    stale = [
        entry.msgid for entry in po.translated_entries()
        if compiled.get((entry.msgctxt, entry.msgid))
        != (entry.msgstr, {int(k): v for k, v in entry.msgstr_plural.items()})
    ]
    assert stale == [], f"run `make messages` to compile: {stale[:5]}"


# Half-width punctuation next to a Chinese character, or a space after Chinese punctuation.
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
HALF_WIDTH_IN_CHINESE = re.compile(
    rf"{CJK}[,:;()!?]|[,:;)!?]{CJK}|(?<!%)\({CJK}|[。，：；！？、]\s+\S|\S\s+[。，：；！？、）]"
)


def test_chinese_sentences_use_full_width_punctuation_and_no_stray_spaces():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    wrong = [
        (entry.msgid, text)
        for entry in po
        for text in ([entry.msgstr] if entry.msgstr else entry.msgstr_plural.values())
        if HALF_WIDTH_IN_CHINESE.search(text)
    ]
    assert wrong == []
