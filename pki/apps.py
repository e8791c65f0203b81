from datetime import timedelta

from django.apps import AppConfig


class PkiConfig(AppConfig):
    name = "pki"
    verbose_name = "数字证书"

    def ready(self) -> None:
        # CRLs are fetched by the worker on schedule; each issuer's own interval decides when
        # a fetch is due, this only sets how often that is looked at.
        from core.worker import WORKER_JOBS, Job
        from pki.services import crl_refresh_due

        WORKER_JOBS.append(Job("crl", crl_refresh_due, every=timedelta(minutes=1)))

        # A subject registered from its certificate is bound and logged in by it (002 §3).
        from pki.sessions import certificate_registered
        from registry import views_account

        views_account.certificate_registered = certificate_registered
