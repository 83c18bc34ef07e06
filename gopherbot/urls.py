from django.contrib import admin
from django.urls import include, path

from gateway.views import slack_event
from gopherbot.health import ready, ruok

urlpatterns = [
    path("slack/event", slack_event, name="slack-event"),
    path("_ruok", ruok, name="ruok"),
    path("_ready", ready, name="ready"),
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
]
