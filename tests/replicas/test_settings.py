"""Without DATABASE_REPLICA_URL nothing changes: one database, no router, no middleware.
With it, the replica is connected as the primary is."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.test import override_settings

from perfapp.replicas import ROUTER, ReplicaReadsMiddleware

PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "perf.example.com",
    "DATABASE_URL": "postgres://perfapp@db.example.com:5432/perfapp",
    "REDIS_URL": "redis://redis.example.com:6379/0",
    "EMAIL_URL": "consolemail://",
}


def settings_of(module: str, **environment: str) -> dict:
    """What a settings module decides from this environment, read in a fresh interpreter."""
    script = (
        "import importlib, json; "
        f"s = importlib.import_module({module!r}); "
        "print(json.dumps({'routers': s.DATABASE_ROUTERS, 'databases': s.DATABASES}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "CONN_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_a_replica_url_production_has_one_database_and_no_router():
    found = settings_of("perfapp.settings.production", **PRODUCTION)
    assert found["routers"] == []
    assert list(found["databases"]) == ["default"]


def test_with_a_replica_url_production_reads_it_connected_as_the_primary():
    found = settings_of(
        "perfapp.settings.production",
        **PRODUCTION,
        DATABASE_REPLICA_URL="postgres://perfapp@replica.example.com:5432/perfapp",
    )
    assert found["routers"] == [ROUTER]
    replica = found["databases"]["replica"]
    assert replica["HOST"] == "replica.example.com"
    assert replica["CONN_MAX_AGE"] == found["databases"]["default"]["CONN_MAX_AGE"] == 60
    assert replica["CONN_HEALTH_CHECKS"] is True


def test_the_middleware_drops_out_without_the_router():
    with override_settings(DATABASE_ROUTERS=[]), pytest.raises(MiddlewareNotUsed):
        ReplicaReadsMiddleware(lambda request: None)
