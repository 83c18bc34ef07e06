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
def test_not_ready_when_redis_is_down(client, redis_down):
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


def test_the_bots_redis_client_is_built_from_rqs_configuration(settings):
    import django_rq

    ours = connections.get_redis().connection_pool.connection_kwargs
    rqs = django_rq.get_connection(settings.QUEUE_DEFAULT).connection_pool.connection_kwargs
    for option in ("host", "port", "db", "socket_timeout", "socket_connect_timeout"):
        assert ours[option] == rqs[option], option
    assert ours["socket_timeout"] == 5
