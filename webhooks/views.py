"""The webhook pages, for administrators (every subscription) and supervisors (their
own); anyone else gets 404, like an object out of scope."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from riskdesk.access import scope_of
from webhooks import actions
from webhooks.forms import SubscriptionForm
from webhooks.models import Delivery, Subscription

LOG_ROWS = 50


def allowed(request):
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.is_supervisor):
        raise Http404


def scoped(request, pk):
    allowed(request)
    return get_object_or_404(Subscription.objects.for_user(request.user), pk=pk)


@require_http_methods(["GET"])
def subscription_list(request):
    allowed(request)
    subscriptions = (Subscription.objects.for_user(request.user)
                     .select_related("owner").prefetch_related("districts"))
    return render(request, "webhooks/list.html", {"subscriptions": subscriptions})


@require_http_methods(["GET", "POST"])
def subscription_create(request):
    allowed(request)
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        subscription, secret = actions.save_subscription(user=request.user, form=form)
        if secret:  # shown on this response only, never again
            return detail_page(request, subscription, new_secret=secret)
        messages.success(request, _("The webhook was saved."))
        return redirect(subscription)
    return render(request, "webhooks/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk):
    subscription = scoped(request, pk)
    form = SubscriptionForm(request.POST or None, instance=subscription, user=request.user)
    if request.method == "POST" and form.is_valid():
        actions.save_subscription(user=request.user, form=form)
        messages.success(request, _("The webhook was saved."))
        return redirect(subscription)
    return render(request, "webhooks/form.html", {"form": form, "subscription": subscription})


@require_http_methods(["GET"])
def subscription_detail(request, pk):
    return detail_page(request, scoped(request, pk))


def detail_page(request, subscription, new_secret=""):
    deliveries = (Delivery.objects.for_user(request.user).filter(subscription=subscription)
                  .select_related("event").order_by("-id")[:LOG_ROWS])
    return render(request, "webhooks/detail.html", {
        "subscription": subscription, "deliveries": deliveries, "new_secret": new_secret,
        "can_replay": scope_of(request.user).is_admin,
    })


@require_POST
def subscription_switch(request, pk):
    subscription = scoped(request, pk)
    actions.switch(subscription=subscription, on=not subscription.active)
    messages.success(request, _("The webhook was switched off.") if subscription.active
                     else _("The webhook was switched on."))
    return redirect(subscription)


@require_POST
def subscription_test(request, pk):
    subscription = scoped(request, pk)
    if not subscription.active:
        messages.error(request, _("Switch the webhook on first."))
    else:
        actions.send_test(subscription=subscription)
        messages.success(request, _("A test event is on its way: see the log below."))
    return redirect(subscription)


@require_POST
def delivery_again(request, pk, delivery):
    subscription = scoped(request, pk)
    if not scope_of(request.user).is_admin:
        raise Http404
    found = get_object_or_404(Delivery.objects.for_user(request.user),
                              subscription=subscription, pk=delivery)
    actions.deliver_again(user=request.user, delivery=found)
    messages.success(request, _("The delivery will be sent again."))
    return redirect(subscription)
