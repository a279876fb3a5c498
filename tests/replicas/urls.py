"""Two probe pages, beside every real one, for what no page of perfapp does on a GET."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import path

from perfapp.orgs.models import Organization
from perfapp.urls import urlpatterns as perfapp_urlpatterns


def reads_in_and_out_of_a_transaction(request):
    before = Organization.objects.count()
    with transaction.atomic():
        inside = Organization.objects.count()
    after = Organization.objects.count()
    return HttpResponse(f"{before} {inside} {after}")


def fails(request):
    Organization.objects.count()
    raise RuntimeError("the view failed")


urlpatterns = [
    path("replica-probe/transaction/", reads_in_and_out_of_a_transaction),
    path("replica-probe/fails/", fails),
    *perfapp_urlpatterns,
]
