from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "审核队列"

    def ready(self) -> None:
        from pki.login_hooks import login_hook_register
        from review.staff_login import staff_certificate_login

        # Staff certificates carry a person's ID number that no subject owns: asked before the
        # subject login (pki/login_hooks.py).
        login_hook_register(staff_certificate_login)
