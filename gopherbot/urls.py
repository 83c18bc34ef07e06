from django.contrib import admin
from django.contrib.auth.decorators import user_passes_test
from django.urls import URLPattern, include, path, reverse_lazy
from django_rq.urls import get_admin_urlpatterns, get_api_urlpatterns

from gateway.views import slack_event
from gopherbot.health import ready, ruok

# The queue views show jobs' payloads (members' DMs to the bot among them) and can delete
# or requeue them: operators only. Moderators are staff, so staff is not enough.
superuser_required = user_passes_test(
    lambda user: user.is_active and user.is_superuser, login_url=reverse_lazy("admin:login")
)
queue_views = [
    *get_admin_urlpatterns(view_wrapper=superuser_required),
    *(  # its JSON stats too (no API token is configured, so no one else needs them)
        URLPattern(p.pattern, superuser_required(p.callback), p.default_args, p.name)
        for p in get_api_urlpatterns()
    ),
]

urlpatterns = [
    path("slack/event", slack_event, name="slack-event"),
    path("_ruok", ruok, name="ruok"),
    path("_ready", ready, name="ready"),
    path("admin/rq/", include((queue_views, "django_rq"))),
    path("admin/", admin.site.urls),
]
