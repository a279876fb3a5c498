from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "perfapp.bench"
    label = "bench"
    verbose_name = "Benchmarks"
