"""Liveness (`/_ruok`) and readiness (`/_ready`) checks."""

import redis
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from gopherbot.connections import get_redis


def ruok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("imok", content_type="text/plain")


def ready(request: HttpRequest) -> JsonResponse:
    checks = {"redis": _check_redis(), "database": _check_database()}
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


def _check_redis() -> str:
    try:
        get_redis().ping()
    except redis.RedisError as error:
        return f"error: {type(error).__name__}"
    return "ok"


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"error: {type(error).__name__}"
    return "ok"
