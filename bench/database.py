"""The bench database: created, migrated and emptied by every benchmark, and never anything
but a database with ``bench`` in its name."""

import time

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from psycopg2 import sql


def prepare(*, recreate: bool = False) -> float:
    """An empty, migrated bench database: emptied (``flush``) when it exists and migrates,
    else dropped and created afresh. Returns the seconds it took."""
    clock = time.perf_counter()
    name = settings.DATABASES["default"]["NAME"]
    if "bench" not in name:
        raise CommandError(
            f"Refusing to empty the database {name!r}: BENCH_DATABASE_URL must name a "
            "database with 'bench' in its name."
        )
    if recreate or not exists(name):
        create(name)
        call_command("migrate", verbosity=0, interactive=False)
    else:
        try:
            call_command("migrate", verbosity=0, interactive=False)
        except Exception as error:  # e.g. migrations rewritten since the last run
            print(f"  migrating failed ({error}); recreating the database")
            create(name)
            call_command("migrate", verbosity=0, interactive=False)
        call_command("flush", verbosity=0, interactive=False)
    return time.perf_counter() - clock


def admin_connection():
    config = settings.DATABASES["default"]
    try:
        admin = psycopg2.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            connect_timeout=5,
        )
    except psycopg2.OperationalError as error:
        raise CommandError(f"The benchmark needs Postgres ({error}).") from error
    admin.autocommit = True
    return admin


def exists(name: str) -> bool:
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cursor.fetchone() is not None
    admin.close()
    return found


def create(name: str) -> None:
    connections.close_all()
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def size() -> int:
    """The bench database's size on disk, in bytes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]
