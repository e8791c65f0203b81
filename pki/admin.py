"""Staff see the trust store and every binding; both change only through services and trust_load."""

from django.contrib import admin

from pki.models import BoundCertificate, TrustedIssuer


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrustedIssuer)
class TrustedIssuerAdmin(ReadOnly):
    list_display = [
        "name",
        "slug",
        "algorithm",
        "enabled",
        "crl_next_update",
        "crl_installed_at",
        "crl_error",
    ]


@admin.register(BoundCertificate)
class BoundCertificateAdmin(ReadOnly):
    list_display = ["holder_name", "holder_code", "issuer", "serial", "how", "bound_at", "unbound_at"]
    list_select_related = ["issuer"]
    search_fields = ["=holder_code", "=serial", "=fingerprint"]
