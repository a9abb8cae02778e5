from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.db.transaction import non_atomic_requests
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import actions, forms
from assessments.choices import AgencyStatus, AgencyStep, AssessmentStatus, DecisionStep
from assessments.columns import DECISION_COLUMNS
from assessments.filtersets import AgencyFilterSet, DecisionFilterSet
from assessments.models import Agency, AgencyDocument, Decision, RiskItem, Training
from cases.models import Case
from cases.views.exports import list_exports
from riskdesk import audit, saved_views
from riskdesk.access import scope_of
from riskdesk.choices import AuditAction, Role, SavedList
from riskdesk.columns import choose_view, page_context, rows
from riskdesk.files import download_response
from riskdesk.forms import add_errors
from riskdesk.lists import paginate
from riskdesk.uploads import upload_limits


def scoped_decision(request, pk):
    return get_object_or_404(Decision.objects.for_user(request.user).with_related(), pk=pk)


# ---------------------------------------------------------------- decisions
def filtered_decisions(request):
    """The filterset and the decisions in the user's scope it keeps, with what every
    row reads (department, district, assessment and its agency)."""
    scoped = Decision.objects.for_user(request.user)
    filterset = DecisionFilterSet(request.GET or None, queryset=scoped, user=request.user)
    return filterset, filterset.qs.with_related()


@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def decision_list(request):
    opened = saved_views.open_list(request, SavedList.DECISIONS, lambda data: DecisionFilterSet(
        data, queryset=Decision.objects.none(), user=request.user), DECISION_COLUMNS)
    if opened:
        return opened
    filterset, decisions = filtered_decisions(request)
    scoped = Decision.objects.for_user(request.user)
    # "decisions assessed / of which caused a stability problem" (one query)
    figures = scoped.filter(assessment__status=AssessmentStatus.CONCLUDED).aggregate(
        assessed=Count("id", distinct=True),
        caused=Count("id", filter=Q(caused_cases__isnull=False), distinct=True))
    views = saved_views.list_views(
        request, SavedList.DECISIONS, choose_columns=lambda view, setting:
        DECISION_COLUMNS.chosen(view=view, setting=setting))
    shown = views["columns"]
    listed = paginate(request, DECISION_COLUMNS.with_related(decisions, shown))
    return render(request, "assessments/decision_list.html", {
        "filterset": filterset, **listed, **views,
        "rows": rows(listed["page"].object_list, shown),
        **page_context(DECISION_COLUMNS, shown, "decisions:columns"),
        "can_register": actions.can_register(request.user), "figures": figures,
    })


decision_columns = choose_view(SavedList.DECISIONS, DECISION_COLUMNS, "decisions:list")
decision_export_csv, decision_export_xlsx = list_exports(
    list_name=SavedList.DECISIONS, column_set=DECISION_COLUMNS, stem="decisions",
    filtered=lambda request: filtered_decisions(request)[1])


@require_http_methods(["GET", "POST"])
def decision_create(request):
    if not actions.can_register(request.user):
        raise PermissionDenied
    form = forms.DecisionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            decision = actions.register_decision(user=request.user, decision=form.instance)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Decision registered."))
            return redirect(decision)
    return render(request, "assessments/decision_form.html", {"form": form})


def timeline(decision):
    return decision.events.select_related("user").order_by("-at", "-id")


def step_forms(user, decision, context) -> dict:
    """One empty form per step ``user`` may take on ``decision`` now, keyed by the step."""
    make = {
        DecisionStep.START: forms.StartAssessmentForm,
        DecisionStep.ASSIGN: forms.AssignForm,
        DecisionStep.NOTICE: lambda: forms.NoticeForm(instance=context["notice"]),
        DecisionStep.RISK: forms.RiskForm,
        DecisionStep.EXPERT: lambda: forms.ExpertReviewForm(instance=context["review"]),
        DecisionStep.SURVEY: lambda: forms.SurveyForm(instance=context["survey"]),
        DecisionStep.REPORT: forms.ReportForm,
        DecisionStep.CONCLUDE: forms.ConclusionForm,
        DecisionStep.SCORE: lambda: forms.ScoreForm(initial={
            "quality_score": context["assessment"].quality_score,
            "comment": context["assessment"].quality_comment}),
        DecisionStep.DECIDED: lambda: forms.DecidedForm(
            initial={"decided_on": timezone.localdate()}),
        DecisionStep.OUTCOME: forms.OutcomeForm,
        DecisionStep.LINK_CASE: forms.LinkCaseForm,
        DecisionStep.COMMENT: lambda: forms.NoteForm(prefix="comment"),
        DecisionStep.WITHDRAW: lambda: forms.NoteForm(prefix="withdraw"),
    }
    return {step.value: make[step]()
            for step in map(DecisionStep, actions.allowed_decision_steps(user, decision))}


@require_GET
def decision_detail(request, pk):
    decision = scoped_decision(request, pk)
    assessment = decision.assessment_or_none
    caused = Case.objects.filter(pk__in=decision.caused_cases.values("pk"))
    visible = list(caused.for_user(request.user).order_by("reference"))
    context = {"decision": decision, "assessment": assessment, "timeline": timeline(decision),
               "caused_cases": visible,  # only those in the viewer's scope, as everywhere
               "caused_elsewhere": caused.count() - len(visible)}
    if assessment is not None:
        context["risks"] = list(assessment.risks.all())
        context["matrix"] = assessment.risk_matrix()
        context["notice"] = getattr(assessment, "notice", None)
        context["review"] = getattr(assessment, "expert_review", None)
        context["survey"] = getattr(assessment, "survey", None)
    context["forms"] = step_forms(request.user, decision, context)
    return render(request, "assessments/decision_detail.html", context)


def _post(request, pk, form_class, run, done, *, files=False, prefix=None):
    """One small POST action on a decision: validate the form, run the action, report."""
    decision = scoped_decision(request, pk)
    form = form_class(request.POST, request.FILES if files else None, prefix=prefix)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(decision)
    try:
        run(decision, form.cleaned_data, form)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(decision)


def _assessment(decision):
    assessment = decision.assessment_or_none
    if assessment is None:
        raise ValidationError(_("The assessment has not been started."))
    return assessment


@require_POST
def decision_start(request, pk):
    def run(decision, data, form):
        actions.start_assessment(user=request.user, decision=decision,
                                 assessor_kind=data["assessor_kind"], agency=data.get("agency"))
    return _post(request, pk, forms.StartAssessmentForm, run, _("Assessment started."))


@require_POST
def decision_assign(request, pk):
    def run(decision, data, form):
        actions.assign_agency(user=request.user, assessment=_assessment(decision),
                              agency=data["agency"])
    return _post(request, pk, forms.AssignForm, run, _("Agency assigned."))


@require_POST
def record_notice(request, pk):
    def run(decision, data, form):
        actions.record_notice(user=request.user, assessment=_assessment(decision),
                              notice=form.save(commit=False))
    return _post(request, pk, forms.NoticeForm, run, _("Public notice recorded."))


@require_POST
def record_risk(request, pk):
    def run(decision, data, form):
        actions.record_risk(user=request.user, assessment=_assessment(decision),
                            risk=RiskItem(**data))
    return _post(request, pk, forms.RiskForm, run, _("Risk recorded."))


@require_POST
def record_expert_review(request, pk):
    def run(decision, data, form):
        actions.record_expert_review(user=request.user, assessment=_assessment(decision),
                                     review=form.save(commit=False))
    return _post(request, pk, forms.ExpertReviewForm, run, _("Expert review recorded."))


@require_POST
def record_survey(request, pk):
    def run(decision, data, form):
        actions.record_survey(user=request.user, assessment=_assessment(decision),
                              survey=form.save(commit=False))
    return _post(request, pk, forms.SurveyForm, run, _("Survey recorded."))


@require_POST
def upload_report(request, pk):
    def run(decision, data, form):
        actions.upload_report(user=request.user, assessment=_assessment(decision),
                              upload=data["report"])
    return _post(request, pk, forms.ReportForm, run, _("Report uploaded."), files=True)


@require_POST
def conclude(request, pk):
    def run(decision, data, form):
        actions.conclude(user=request.user, assessment=_assessment(decision),
                         grade=data["grade"], recommendation=data["recommendation"],
                         mitigation=data["mitigation"], upload=data.get("report"))
    return _post(request, pk, forms.ConclusionForm, run, _("Assessment concluded."), files=True)


@require_POST
def score(request, pk):
    def run(decision, data, form):
        actions.score_assessment(user=request.user, assessment=_assessment(decision),
                                 score=data["quality_score"], comment=data["comment"])
    return _post(request, pk, forms.ScoreForm, run, _("Score saved."))


@require_POST
def mark_decided(request, pk):
    def run(decision, data, form):
        actions.mark_decided(user=request.user, decision=decision,
                             decided_on=data["decided_on"], note=data["note"])
    return _post(request, pk, forms.DecidedForm, run, _("Decision marked decided."))


@require_POST
def record_outcome(request, pk):
    def run(decision, data, form):
        actions.record_outcome(user=request.user, decision=decision,
                               implemented=data["implemented"], note=data["note"])
    return _post(request, pk, forms.OutcomeForm, run, _("Outcome recorded."))


@require_POST
def link_case(request, pk):
    def run(decision, data, form):
        actions.link_case(user=request.user, decision=decision, reference=data["reference"])
    return _post(request, pk, forms.LinkCaseForm, run, _("Case linked."))


@require_POST
def withdraw(request, pk):
    def run(decision, data, form):
        actions.withdraw(user=request.user, decision=decision, note=data["note"])
    return _post(request, pk, forms.NoteForm, run, _("Decision withdrawn."), prefix="withdraw")


@require_POST
def comment(request, pk):
    def run(decision, data, form):
        actions.comment(user=request.user, decision=decision, note=data["note"])
    return _post(request, pk, forms.NoteForm, run, _("Comment added."), prefix="comment")


def report_downloadable(assessment) -> bool:
    """Whether the decision page offers the assessment's report to whoever sees the
    decision (``Decision.objects.for_user``): once it is uploaded. The API links it the same."""
    return assessment is not None and bool(assessment.report)


@require_GET
def report_download(request, pk):
    return report_response(request, scoped_decision(request, pk))


def report_response(request, decision):
    """The report of ``decision`` (already scoped to ``request.user``) as a download,
    audited; 404 when the page offers none. ``/api/v1/decisions/{id}/report/`` too."""
    assessment = decision.assessment_or_none
    if not report_downloadable(assessment):
        raise Http404
    audit.record(request, AuditAction.DOWNLOAD,
                 object_label=f"{decision} {assessment.report_name}"[:200])
    return download_response(assessment.report, filename=assessment.report_name,
                             content_type=assessment.report_content_type)


# ---------------------------------------------------------------- agencies
def _apply_refused(request, message, status):
    return render(request, "assessments/apply.html",
                  {"form": forms.ApplicationForm(), "refused": message}, status=status)


@login_not_required
@upload_limits(
    max_bytes=lambda: settings.AGENCY_APPLICATION_MAX_MB * actions.MB,
    max_files=lambda: settings.AGENCY_APPLICATION_MAX_FILES,
    refuse=lambda request: _apply_refused(request, actions.too_large_message(), status=413),
)
@require_http_methods(["GET", "POST"])
def agency_apply(request):
    form = forms.ApplicationForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "assessments/apply.html", {"form": form})
    try:
        actions.admit_application(request)
    except ValidationError as error:
        return _apply_refused(request, error.messages[0], status=429)
    if getattr(request, "too_many_files", False):
        form.is_valid()
        form.add_error("documents", actions.too_many_files_message())
        return render(request, "assessments/apply.html", {"form": form}, status=400)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agency = actions.apply(actions.Application(
                agency=form.save(commit=False), scope=data["scope"],
                departments=list(data["departments"]), experts=data["experts"],
                uploads=data.get("documents") or []))
        except ValidationError as error:
            add_errors(form, error)
        else:
            return render(request, "assessments/apply_done.html", {"agency": agency})
    return render(request, "assessments/apply.html", {"form": form})


def _registry_user(request):
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.is_supervisor or scope.role == Role.ASSESSOR):
        raise Http404


@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def agency_list(request):
    _registry_user(request)
    scoped = Agency.objects.for_user(request.user)
    filterset = AgencyFilterSet(request.GET or None, queryset=scoped.with_scores())
    agencies = filterset.qs.prefetch_related("scopes")
    if not agencies.query.order_by:
        agencies = agencies.order_by("name", "pk")
    queue = None
    if actions.is_admin(request.user):
        queue = list(scoped.filter(status__in=[AgencyStatus.SUBMITTED,
                                               AgencyStatus.UNDER_REVIEW]).order_by("submitted_at"))
    return render(request, "assessments/agency_list.html", {
        "filterset": filterset, **paginate(request, agencies), "queue": queue,
        "today": timezone.localdate(),
    })


def scoped_agency(request, pk):
    _registry_user(request)
    return get_object_or_404(Agency.objects.for_user(request.user), pk=pk)


@require_GET
def agency_detail(request, pk):
    return _agency_page(request, scoped_agency(request, pk))


def _agency_page(request, agency, *, refused=None, status=200):
    """The agency's page; ``refused`` is a step's bound form, shown open with its errors
    and what was typed."""
    steps = actions.allowed_agency_steps(request.user, agency)
    forms_by_step = {step: forms.AgencyStepForm(step=step) for step in steps}
    if refused is not None:
        forms_by_step[refused.prefix] = refused
    assessments = agency.assessments.select_related("decision").filter(
        decision__in=Decision.objects.for_user(request.user))
    return render(request, "assessments/agency_detail.html", {
        "agency": agency,
        "steps": [(step, AgencyStep(step).label, forms_by_step[step]) for step in steps],
        "violation_form": forms.ViolationForm() if actions.is_admin(request.user) else None,
        "assessments": assessments,
        "violations": agency.violations.select_related("red_line", "recorded_by"),
        "events": agency.events.select_related("user"),
        "experts": agency.experts.all(), "documents": agency.documents.all(),
        "departments": agency.related_departments.all(),
        "is_admin": actions.is_admin(request.user),
    }, status=status)


@require_POST
def agency_step(request, pk, step):
    agency = scoped_agency(request, pk)
    form = forms.AgencyStepForm(request.POST, step=step)
    if form.is_valid():
        try:
            actions.agency_step(user=request.user, agency=agency, step=step,
                                note=form.cleaned_data["note"],
                                valid_until=form.cleaned_data.get("valid_until"),
                                suspended_until=form.cleaned_data.get("suspended_until"))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Registry updated."))
            return redirect(agency)
    if step not in actions.allowed_agency_steps(request.user, agency):
        # Not a step this page offers this user: nothing to show the form in.
        messages.error(request, " ".join(
            str(error) for errors in form.errors.values() for error in errors))
        return redirect(agency)
    # Refused: the page again, this step's form open with its errors and the note typed.
    return _agency_page(request, agency, refused=form, status=400)


@require_POST
def agency_violation(request, pk):
    agency = scoped_agency(request, pk)
    form = forms.ViolationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(agency)
    try:
        actions.record_violation(user=request.user, agency=agency, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Violation recorded and its consequence applied."))
    return redirect(agency)


@require_GET
def agency_document(request, pk, doc):
    agency = scoped_agency(request, pk)
    if not actions.is_admin(request.user):
        raise Http404
    document = get_object_or_404(AgencyDocument, agency=agency, pk=doc)
    audit.record(request, AuditAction.DOWNLOAD,
                 object_label=f"{agency} {document.original_name}"[:200])
    return download_response(document.file, filename=document.original_name,
                             content_type=document.content_type)


# ---------------------------------------------------------------- trainings
@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def training_list(request):
    if scope_of(request.user).role is None:
        raise Http404
    from assessments.models import Attendance

    trainings = Training.objects.prefetch_related(
        Prefetch("attendees", queryset=Attendance.objects.select_related(
            "agency", "district", "user")))
    return render(request, "assessments/training_list.html", {
        "trainings": trainings, "can_add": actions.is_admin(request.user)})


@require_http_methods(["GET", "POST"])
def training_create(request):
    if not actions.is_admin(request.user):
        raise Http404
    form = forms.TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_training(user=request.user, training=form.instance,
                                    attendees=form.cleaned_data["attendees"],
                                    accounts=form.cleaned_data["accounts"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Training session recorded."))
            return redirect("trainings:list")
    return render(request, "assessments/training_form.html", {"form": form})
