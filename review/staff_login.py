"""Staff log in with their own personal certificate (issue 5: "Staff log in with certificates too").

A staff member's certificate carries the holder's ID number (a person's certificate, GM/T 0015
`1.2.156.10260.4.1.1` or the issuer's configured place), which belongs to no registered subject.
This hook, asked by pki's certificate login before the subject login, logs the browser in as the
active staff account registered with that number and sends it to the queue.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from core.audit import Actor, audit_log
from pki.sessions import start_certificate_session
from pki.verify import Holder
from registry import identifiers
from registry.auth import CERTIFICATE, client_ip
from review import rules
from review.models import StaffMember


def staff_certificate_login(request: HttpRequest, holder: Holder) -> str | None:
    code = identifiers.normalize_code(holder.code)
    if not code:
        return None
    member = (
        StaffMember.objects.select_related("account")
        .filter(id_number=code, account__is_active=True, account__is_staff=True)
        .first()
    )
    if member is None:
        return None
    with transaction.atomic():
        audit_log(
            actor=Actor(user=member.account, auth_method=CERTIFICATE, ip=client_ip(request)),
            action=rules.AUDIT_STAFF_CERTIFICATE_LOGIN,
            target=member,
            data={
                "serial": holder.serial,
                "fingerprint": holder.fingerprint,
                "issuer": holder.issuer_text,
                "holder_name": holder.name,
            },
        )
    start_certificate_session(request, member.account, holder)
    messages.success(request, rules.STAFF_LOGGED_IN.format(name=member.name))
    return reverse("backoffice:queue")
