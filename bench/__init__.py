"""Benchmarks: ``make bench`` (perfapp.settings.bench installs this app; nothing else does)."""
