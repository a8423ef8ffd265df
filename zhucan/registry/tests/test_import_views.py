"""The import pages: upload, mapping, progress (with and without script), confirm, result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.testing.auth import login_verified
from zhucan.testing.registry_sheets import (
    HEADERS,
    person_row,
    run_queued_tasks,
    workbook_bytes,
)

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client: Client, world: World, data: bytes, name: str = "花名册.xlsx") -> TestResponse:
    return client.post(
        reverse("registry:imports"),
        {"organisation": world.county_a.pk, "file": SimpleUploadedFile(name, data, XLSX)},
    )


def test_upload_map_check_confirm_and_see_the_result(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)
    assert client.get(reverse("registry:imports")).status_code == 200
    rows = [person_row(n) for n in range(1, 5)] + [person_row(5, category="未知")]
    response = _upload(client, world, workbook_bytes(rows))
    job = RegistryImport.objects.get()
    detail = reverse("registry:import", kwargs={"import_pk": job.pk})
    assert response.status_code == 302 and response["Location"] == detail

    page = client.get(detail).content.decode()
    assert "Column C: 身份证号" in page
    assert '<option value="id_number" selected>' in page
    mapping = {f"col_{i}": job.mapping.get(str(i), "") for i in range(len(HEADERS))}
    assert client.post(detail, mapping).status_code == 302

    # While the worker has not run: a progress bar, a live sentence, a reload link, the script.
    page = client.get(detail).content.decode()
    assert "<progress" in page and 'role="status"' in page and 'aria-live="polite"' in page
    assert "Reload to see how far it is" in page and "job-progress.js" in page
    assert "<script>" not in page
    progress = client.get(reverse("registry:import_progress", kwargs={"import_pk": job.pk}))
    assert progress.json()["finished"] is False and progress.json()["status"] == "checking"

    run_queued_tasks()
    page = client.get(detail).content.decode()
    assert 'class="table-wrap"' in page and "<caption" in page
    assert "Choose a disability category" in page and "E（残疾类别）" in page
    assert "Import only the 4 valid rows" in page
    confirm = reverse("registry:import_confirm", kwargs={"import_pk": job.pk})
    assert client.post(confirm, {"duplicates": "skip", "scope": "valid"}).status_code == 302
    run_queued_tasks()
    page = client.get(detail).content.decode()
    assert "4 people added." in page and "1 row skipped." in page
    assert "The uploaded file has been deleted." in page
    assert Person.objects.count() == 4
    progress = client.get(reverse("registry:import_progress", kwargs={"import_pk": job.pk}))
    assert progress.json()["finished"] is True and progress.json()["percent"] == 100


def test_a_bad_file_is_shown_in_the_error_summary(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)
    response = _upload(client, world, b"name,id\n", name="花名册.xlsx")
    page = response.content.decode()
    assert response.status_code == 200 and "data-error-summary" in page
    assert "This is not an Excel workbook (.xlsx)." in page
    assert not RegistryImport.objects.exists()


def test_other_jurisdictions_get_404_and_the_organisation_list_is_scoped(
    client: Client, world: World
) -> None:
    login_verified(client, world.county_a_officer)
    _upload(client, world, workbook_bytes([person_row(1)]))
    job = RegistryImport.objects.get()
    login_verified(client, world.county_b_officer)
    for name in ("registry:import", "registry:import_progress"):
        assert client.get(reverse(name, kwargs={"import_pk": job.pk})).status_code == 404
    for name in ("registry:import", "registry:import_confirm", "registry:import_discard"):
        assert client.post(reverse(name, kwargs={"import_pk": job.pk})).status_code == 404
    page = client.get(reverse("registry:imports")).content.decode()
    assert world.county_a.name not in page and world.county_b.name in page
    response = _upload(client, world, workbook_bytes([person_row(1)]))
    assert "Select a valid choice" in response.content.decode()
    assert RegistryImport.objects.count() == 1
