import pytest
from django.db import DatabaseError

from gopherbot import connections


def test_ruok_answers_imok(client):
    response = client.get("/_ruok")
    assert response.status_code == 200
    assert response.content == b"imok"


@pytest.mark.django_db
def test_ready_when_redis_and_the_database_answer(client):
    response = client.get("/_ready")
    assert response.status_code == 200
    assert response.json() == {"redis": "ok", "database": "ok"}


@pytest.mark.django_db
def test_not_ready_when_redis_is_down(client, settings):
    settings.RQ_QUEUES = {name: {"URL": "redis://127.0.0.1:1/0"} for name in settings.RQ_QUEUES}
    connections.reset()
    response = client.get("/_ready")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_not_ready_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("database is gone")

    monkeypatch.setattr("gopherbot.health.connection.cursor", broken_cursor)
    response = client.get("/_ready")
    assert response.status_code == 503
    assert response.json() == {"redis": "ok", "database": "error: DatabaseError"}
