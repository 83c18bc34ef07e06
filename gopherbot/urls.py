from django.contrib import admin
from django.urls import include, path
from django_rq.models import Dashboard

from gateway.views import slack_event
from gopherbot.health import ready, ruok
from gopherbot.queue_admin import OperatorsQueueAdmin, queue_urlpatterns

# django-rq's own registration is off (RQ_SHOW_ADMIN_LINK): it would answer any staff user.
admin.site.register(Dashboard, OperatorsQueueAdmin)

urlpatterns = [
    path("slack/event", slack_event, name="slack-event"),
    path("_ruok", ruok, name="ruok"),
    path("_ready", ready, name="ready"),
    path("admin/rq/", include((queue_urlpatterns, "django_rq"))),
    path("admin/", admin.site.urls),
]
