"""Apps extend ``manage.py seed_demo`` by registering a seeder in ``AppConfig.ready``.

A seeder is called once per demo organization, inside its tenant scope, with the people
in a stable order (the owner first, team leads next, the HR admin fifth). It must be
idempotent: the command runs on every ``make run``.
"""

from collections.abc import Callable

from .models import Membership, Organization

Seeder = Callable[[Organization, list[Membership]], None]

_SEEDERS: list[tuple[int, Seeder]] = []


def register(seeder: Seeder, order: int = 100) -> None:
    if all(existing is not seeder for _, existing in _SEEDERS):
        _SEEDERS.append((order, seeder))


def seeders() -> list[Seeder]:
    return [seeder for _, seeder in sorted(_SEEDERS, key=lambda item: item[0])]
