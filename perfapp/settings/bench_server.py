"""The production settings, plus the benchmark's anchor route: what ``make bench`` runs
gunicorn with. Nothing else differs from production (security settings included: the load
generator talks to it as a TLS proxy would, with ``X-Forwarded-Proto: https``)."""

from .production import *  # noqa: F403

BENCH_ANCHOR = True  # routes /bench/anchor/… (bench/urls.py)
