"""One of everything that has its own URL, for the checks that walk every URL with real
objects: the outsider matrix, "GET changes nothing" and CSRF.

``world`` belongs to ``district`` (and the agency ``agency``); ``route_values(world)``
maps each URL parameter to the real object it names. A new URL with a parameter that is
not mapped here fails those checks until it is added, so new URLs are covered.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from api import tokens
from assessments import actions as assessment_actions
from cases import actions
from cases.choices import JobKind, JobState, LinkKind, SupervisionLevel, Transition
from cases.models import Job
from drills import actions as drill_actions
from drills.choices import DrillKind
from drills.models import Drill
from riskdesk.choices import Announcement, NoticeKind, SavedList, Visibility
from riskdesk.models import SavedView
from riskdesk.notify import notify
from tests.cases.test_attachments import PDF, docx_bytes
from webhooks.emit import create_event
from webhooks.models import Subscription


@pytest.fixture
def world(case, make_case, owner, district_supervisor, recorded, agency, settings, tmp_path):
    """A case with an attachment, a supervision order with an extension request, a
    decision with its assessment and report, an agency document, a notice and an API
    token of the owner."""
    settings.MEDIA_ROOT = tmp_path
    attachment = actions.add_attachment(user=owner, case=case,
                                        upload=SimpleUploadedFile("report.pdf", PDF))
    order = actions.issue_order(
        user=district_supervisor, case=case, level=SupervisionLevel.DISTRICT,
        instructions="Pay the workers.", due_date=datetime.date.today() + datetime.timedelta(14))
    extension = actions.request_extension(
        user=owner, order=order, reason="Bank holiday",
        requested_due_date=order.due_date + datetime.timedelta(days=7))
    assessment_actions.upload_report(
        user=recorded.agency.members.first().user, assessment=recorded,
        upload=SimpleUploadedFile("assessment.docx", docx_bytes()))
    document = assessment_actions.add_document(
        agency=agency, upload=SimpleUploadedFile("licence.pdf", PDF))
    notice = notify(owner, kind=NoticeKind.ORDER_ISSUED, key=f"world:{order.pk}",
                    params={"ref": case.reference, "title": case.title},
                    url=order.get_absolute_url())
    job = Job(kind=JobKind.EXPORT_CSV, user=owner, state=JobState.DONE, progress=100,
              result_name="cases.csv")
    job.result.save("cases.csv", ContentFile(b"reference\n"), save=False)
    job.save()
    link = actions.link_cases(user=owner, case=case, other=make_case(title="Second site"),
                              kind=LinkKind.SAME_EMPLOYER)
    webhook = Subscription.objects.create(
        owner=district_supervisor, name="Kundulun robot", url="http://127.0.0.1:9/hook",
        kinds=[Announcement.CASE_REGISTERED], secret="a-secret-of-the-world-0123456789")
    create_event(Announcement.TEST, [webhook])
    token, _key = tokens.issue(owner, name="12345 hotline")
    view = SavedView.objects.create(owner=owner, list=SavedList.CASES, name="High risk",
                                    visibility=Visibility.DISTRICT, query="risk_level=high")
    drill = drill_actions.record_drill(
        user=owner, drill=Drill(district=case.district, date=datetime.date.today(),
                                kind=DrillKind.FIRE, participants=40, scenario="Warehouse fire"),
        uploads=[SimpleUploadedFile("drill.pdf", PDF)])
    return SimpleNamespace(token=token, view=view, drill=drill,
                           drill_file=drill.attachments.get(),
                           case=case, attachment=attachment, order=order,
                           extension=extension, decision=recorded.decision,
                           assessment=recorded, agency=agency,
                           document=document, notice=notice, job=job, webhook=webhook,
                           delivery=webhook.deliveries.get(), link=link)


def route_values(world) -> dict[str, dict[str, object]]:
    """URL name (or namespace) -> {parameter: value}; the most specific entry wins."""
    return {
        "cases:": {"reference": world.case.reference},
        "cases:attachment": {"pk": world.attachment.pk},
        "cases:order": {"pk": world.order.pk},
        "cases:job": {"pk": world.job.pk},
        "cases:unlink": {"pk": world.link.pk},
        "cases:job_download": {"pk": world.job.pk},
        "cases:reveal": {"name": "contact_id_number"},  # a field, not an object
        "cases:transition": {"name": Transition.VERIFY.value},  # a step, not an object
        "supervision:": {"pk": world.order.pk, "extension": world.extension.pk},
        "decisions:": {"pk": world.decision.pk},
        "agencies:": {"pk": world.agency.pk, "doc": world.document.pk,
                      "step": "suspend"},  # a step, not an object
        "notification_read": {"pk": world.notice.pk},
        "webhooks:": {"pk": world.webhook.pk, "delivery": world.delivery.pk},
        "api:": {"reference": world.case.reference},
        "api:case-attachment-download": {"pk": world.attachment.pk},
        "api:decision-detail": {"pk": world.decision.pk},
        "api:decision-report": {"pk": world.decision.pk},
        "api:agency-detail": {"pk": world.agency.pk},
        **{f"api:order-{name}": {"pk": world.order.pk}
           for name in ("detail", "acknowledge", "answer", "close", "return", "extension")},
        "api:order-decide": {"pk": world.order.pk, "ext_id": world.extension.pk},
        "api:notification-read": {"pk": world.notice.pk},
        "api_tokens:": {"pk": world.token.pk},
        "saved_views:": {"pk": world.view.pk},
        "drills:": {"pk": world.drill.pk, "file": world.drill_file.pk},
    }


def values_for(name: str, names: list[str], table) -> dict | None:
    """The values for URL ``name``'s parameters, or None when one is not mapped."""
    namespace = name.rsplit(":", 1)[0] + ":" if ":" in name else ""
    found = {}
    for param in names:
        for key in (name, namespace):
            if param in table.get(key, {}):
                found[param] = table[key][param]
                break
        else:
            return None
    return found


def snapshot() -> dict[str, list]:
    """Every row of every model, for "this changed nothing" checks."""
    state = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        manager = model._base_manager
        fields = [f.attname for f in model._meta.concrete_fields]
        state[model._meta.label] = list(manager.order_by("pk").values_list(*fields))
    return state


def differences(before: dict, after: dict) -> list[str]:
    """The models whose rows differ between two snapshots."""
    return [label for label in before if before[label] != after.get(label)]
