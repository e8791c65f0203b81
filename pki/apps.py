from django.apps import AppConfig


class PkiConfig(AppConfig):
    name = "pki"
    verbose_name = "数字证书"
