from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "perfapp.accounts"
    label = "accounts"
    verbose_name = "Accounts"
