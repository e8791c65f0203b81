from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "审计与公共部件"

    def ready(self) -> None:
        from core import asn1

        asn1.install()
