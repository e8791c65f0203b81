from django.apps import AppConfig


class DemocaConfig(AppConfig):
    name = "democa"
    verbose_name = "演示CA公司"
