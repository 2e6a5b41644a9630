"""When the worker checking a large upload dies, the report page stops waiting: it says the check was
interrupted and offers a new upload, instead of polling for ever without a confirm button."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kaowu.core.models import JobProgress
from kaowu.registration.imports import services as imports
from kaowu.registration.imports.tests.factories import good_row, xlsx
from kaowu.registration.models import Application

pytestmark = pytest.mark.django_db


def test_a_check_whose_worker_died_says_so_and_offers_a_new_upload(login, institution_clerk, open_plan, settings,
                                                                    tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = login(institution_clerk)
    content = xlsx([good_row(i) for i in range(imports.BACKGROUND_ROWS + 1)])
    location = client.post("/registration/import/", {"plan": open_plan.pk,
                                                     "file": SimpleUploadedFile("报名.xlsx", content)})["Location"]
    job = JobProgress.objects.get()
    # A worker claimed the check, reported half-way and was killed ten minutes ago.
    then = timezone.now() - timedelta(minutes=10)
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=then)
    JobProgress.objects.filter(pk=job.pk).update(done=1000, message="已校验 1000 行", heartbeat_at=then)

    page = client.get(location).content.decode()
    assert "校验任务中断（处理进程已停止），请重新上传文件" in page
    assert "重新上传" in page and "hx-trigger" not in page
    assert Application.objects.count() == 0
