"""Apps extend ``manage.py seed_demo`` by registering a seeder in their ``wiring.py``.

A seeder is called once per demo organization, inside its tenant scope, with the people
in a stable order (the owner first, team leads next, the HR admin fifth). It must be
idempotent: the command runs on every ``make run``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from perfapp.registry import Registry

from .models import Membership, Organization


@dataclass(frozen=True)
class Seeder:
    key: str
    seed: Callable[[Organization, list[Membership]], None]
    order: int = 100  # lower runs first: an app's seeder runs after those it builds on


SEEDERS: Registry[Seeder] = Registry("demo seeder", order=lambda seeder: seeder.order)
