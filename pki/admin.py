"""Staff see the trust store and every binding. Certificates, hierarchy and CRLs change only through
trust_load and the CRL services; the key policy of an issuer may be changed here, through the
service that audits it."""

from django import forms
from django.contrib import admin, messages

from core.errors import DomainError
from pki import services, verify
from pki.models import BoundCertificate, TrustedIssuer
from registry.auth import actor_for


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


POLICY_FIELDS = ["min_rsa_bits", "require_key_usage", "allowed_algorithms"]


class IssuerPolicyForm(forms.ModelForm):
    allowed_algorithms = forms.MultipleChoiceField(
        label="接受的证书算法",
        choices=list(verify.CERT_ALGORITHMS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="都不选表示接受本平台支持的全部算法",
    )

    class Meta:
        model = TrustedIssuer
        fields = POLICY_FIELDS


@admin.register(TrustedIssuer)
class TrustedIssuerAdmin(ReadOnly):
    form = IssuerPolicyForm
    list_display = [
        "name",
        "slug",
        "algorithm",
        "parent",
        "enabled",
        "min_rsa_bits",
        "require_key_usage",
        "algorithms_accepted",
        "crl_next_update",
        "crl_installed_at",
        "crl_error",
    ]
    list_select_related = ["parent"]
    fields = ["name", "slug", "algorithm", "parent", "enabled", "code_fields", *POLICY_FIELDS]
    readonly_fields = ["name", "slug", "algorithm", "parent", "enabled", "code_fields"]

    @admin.display(description="接受的证书算法")
    def algorithms_accepted(self, obj: TrustedIssuer) -> str:
        return "、".join(verify.CERT_ALGORITHMS[a] for a in obj.allowed_algorithms) or "全部"

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("pki.change_trustedissuer")

    def save_model(self, request, obj, form, change):
        # Through the service, so the change is validated and audited like any other write.
        try:
            services.issuer_policy_set(
                actor=actor_for(request),
                issuer=obj,
                min_rsa_bits=form.cleaned_data["min_rsa_bits"],
                require_key_usage=form.cleaned_data["require_key_usage"],
                allowed_algorithms=list(form.cleaned_data["allowed_algorithms"]),
            )
        except DomainError as error:
            messages.error(request, error.message)


@admin.register(BoundCertificate)
class BoundCertificateAdmin(ReadOnly):
    list_display = ["holder_name", "holder_code", "issuer", "serial", "how", "bound_at", "unbound_at"]
    list_select_related = ["issuer"]
    search_fields = ["=holder_code", "=serial", "=fingerprint"]
