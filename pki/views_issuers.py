"""The public list of CA issuers the platform accepts (CA互认: which locks work here, and on what terms)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pki import selectors


def issuer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "pki/issuers.html", {"rows": selectors.issuers_public(now=timezone.now())})
