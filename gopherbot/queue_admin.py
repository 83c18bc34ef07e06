"""django-rq's queue views, for superusers only, wherever they are mounted.

They show jobs' payloads (members' DMs to the bot among them) and can delete or
requeue jobs: operators only. Moderators are staff, so staff is not enough. django-rq
mounts its views twice: under /admin/rq/ (gopherbot.urls) and in the admin site
(/admin/django_rq/dashboard/...); both go through `superusers_only`.
"""

from django.contrib.auth.decorators import user_passes_test
from django.urls import URLPattern, reverse_lazy
from django_rq.admin import QueueAdmin
from django_rq.urls import get_admin_urlpatterns, get_api_urlpatterns


def is_operator(user) -> bool:
    return user.is_active and user.is_superuser


_superuser_required = user_passes_test(is_operator, login_url=reverse_lazy("admin:login"))


def superusers_only(patterns: list) -> list[URLPattern]:
    return [
        URLPattern(p.pattern, _superuser_required(p.callback), p.default_args, p.name)
        for p in patterns
    ]


# Its JSON stats too (no API token is configured, so no one else needs them).
queue_urlpatterns = superusers_only([*get_admin_urlpatterns(), *get_api_urlpatterns()])


class OperatorsQueueAdmin(QueueAdmin):
    """django-rq's entry in the admin site: listed for, and answering, superusers only."""

    def has_module_permission(self, request) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_operator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_operator(request.user)

    def get_urls(self) -> list[URLPattern]:
        return superusers_only(super().get_urls())
