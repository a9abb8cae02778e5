from django.db import models
from django.utils.translation import gettext_lazy as _

from riskdesk.choices import Announcement

# What a subscription can ask for: every announcement but the test event, which is sent
# to one subscription on demand.
SUBSCRIBABLE = [(value, label) for value, label in Announcement.choices
                if value != Announcement.TEST]


class Format(models.TextChoices):
    JSON = "json", _("JSON (signed event)")
    CHAT = "chat", _("Chat robot (WeCom / DingTalk markdown message)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
