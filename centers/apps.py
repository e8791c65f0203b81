from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = "交易中心"

    def ready(self) -> None:
        # The review queue calls back into the centers for the decisions it takes on their items.
        from centers import review_handlers  # noqa: F401
