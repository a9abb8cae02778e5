"""The wire: which hosts may be called, the body, the signature and one POST.

Only ``http``/``https`` URLs whose host is in ``WEBHOOK_ALLOWED_HOSTS`` (a name, or a
suffix starting with a dot) are called, checked when a subscription is saved and again
before each request; redirects are not followed and no proxy from the environment is
used, so a subscription cannot make the server probe the intranet.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from riskdesk.choices import Announcement
from riskdesk.models import District
from webhooks.choices import Format

TIMEOUT_SECONDS = 10
USER_AGENT = "RiskDesk-Webhooks/1"


def host_allowed(host: str) -> bool:
    host = (host or "").lower().rstrip(".")
    for allowed in settings.WEBHOOK_ALLOWED_HOSTS:
        allowed = allowed.lower()
        if allowed.startswith("."):
            if host.endswith(allowed) and len(host) > len(allowed):
                return True
        elif host == allowed:
            return True
    return False


def check_url(url: str) -> None:
    """Raise ``ValidationError`` unless RiskDesk may call ``url``."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        raise ValidationError(_("This is not a valid URL.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("The URL must start with http:// or https:// and name a host."))
    if parts.username or parts.password:
        raise ValidationError(_("Put no user name or password in the URL: use the secret."))
    if not host_allowed(parts.hostname):
        raise ValidationError(
            _("RiskDesk may not call %(host)s: only the hosts in WEBHOOK_ALLOWED_HOSTS "
              "(%(allowed)s) can receive webhooks. Ask an administrator to add it.")
            % {"host": parts.hostname,
               "allowed": ", ".join(settings.WEBHOOK_ALLOWED_HOSTS) or _("none")})


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def envelope(event) -> dict:
    return {"id": event.pk, "kind": event.kind, "time": event.created_at.isoformat(),
            "object": event.payload}


def chat_text(event) -> str:
    """A short markdown message in the site's language for a chat robot."""
    with translation.override(settings.LANGUAGE_CODE):
        title = str(dict(Announcement.choices).get(event.kind, event.kind))
        obj = event.payload
        lines = [f"**{title}**"]
        case = obj.get("case")
        if case:
            lines.append(f"{case['reference']} {case['title']}")
            lines.append(_("> District: %(district)s; risk level: %(level)s; status: %(status)s")
                         % {"district": _district_name(case["district"]),
                            "level": case.get("risk_level_label", case["risk_level"]),
                            "status": case.get("status_label", case["status"])})
        if obj.get("order"):
            lines.append(_("> Supervision order due %(date)s") % {"date": obj["order"]["due_date"]})
        if obj.get("decision"):
            lines.append(f"{obj['decision']['reference']} {obj['decision']['title']}")
        if obj.get("agency"):
            lines.append(f"{obj['agency']['reference']} {obj['agency']['name']}")
        link = _site_link(obj)
        if link:
            label = _("Open in RiskDesk")
            lines.append(f"[{label}]({link})")
        return "\n".join(lines)


def _district_name(code) -> str:
    district = District.objects.filter(code=code).first()
    return district.name if district is not None else code


def _site_link(obj) -> str:
    base = settings.SITE_URL.rstrip("/")
    if obj.get("case"):
        return f"{base}/cases/{obj['case']['reference']}/"
    if obj.get("decision"):
        return f"{base}/decisions/{obj['decision']['id']}/"
    return ""


def body_for(event, fmt) -> bytes:
    if fmt == Format.CHAT:
        data = {"msgtype": "markdown", "markdown": {"content": chat_text(event)}}
    else:
        data = envelope(event)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx comes back as an HTTPError: a failed attempt


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects())


def post(url: str, *, body: bytes, headers: dict) -> Outcome:
    """One POST; a 2xx is success, anything else (3xx included) a failure."""
    try:
        check_url(url)
    except ValidationError as error:
        return Outcome(False, error="; ".join(error.messages))
    # S310: check_url() above allows http and https only
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               **headers}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Outcome(200 <= response.status < 300, response.status)
    except urllib.error.HTTPError as error:
        return Outcome(False, error.code, f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(False, error=f"{type(error).__name__}: {reason}"[:500])
