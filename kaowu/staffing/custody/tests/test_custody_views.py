"""Custody pages: scoping (outsiders refused everywhere), the overview with the leak alert, the package page
with its handover and leak forms, and the printable 交接记录单."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kaowu.staffing.custody import services
from kaowu.staffing.custody.tests.factories import Clock, hand
from kaowu.staffing.models import Handover, LeakReport, PaperPackage

pytestmark = pytest.mark.django_db
Stage = Handover.Stage


def handover_post(world, stage, giver, receiver, **overrides) -> dict:
    data = {"stage": stage, "giver": giver.pk, "receiver": receiver.pk,
            "at": timezone.localtime(timezone.now() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "count": 30, "seal_number": "FT-0001", "seal_intact": "on", "giver_signed": "on",
            "receiver_signed": "on", "note": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("who", ["mianyang_reviewer", "other_institution_clerk", "candidate"])
def test_outsiders_are_refused_on_every_custody_page(world, who, request, login, chengdu_reviewer):
    report = services.leak_report(package=world.package, description="封口松动", by=chengdu_reviewer)
    client = login(request.getfixturevalue(who))
    plan, package = world.plan.pk, world.package.pk
    gets = [reverse("custody_plan", args=[plan]), reverse("custody_package_register", args=[plan]),
            reverse("custody_package", args=[package]), reverse("custody_chain_pdf", args=[package])]
    posts = [
        (reverse("custody_package_register", args=[plan]),
         {"session": world.session.pk, "number": "X-9", "paper_count": 5, "seal_number": "S", "custodian":
          world.custodian.pk}),
        (reverse("custody_handover_record", args=[package]),
         handover_post(world, Stage.ISSUE, world.custodian, world.supervisor)),
        (reverse("custody_leak_report", args=[package]), {"description": "谣言"}),
        (reverse("custody_leak_resolve", args=[report.pk]), {"resolution": "无事"}),
    ]
    for url in gets:
        assert client.get(url).status_code in (403, 404), url
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    assert not Handover.objects.exists() and LeakReport.objects.count() == 1
    assert not PaperPackage.objects.filter(number="X-9").exists()
    report.refresh_from_db()
    assert report.resolved_at is None
    # The custody home lists nothing of 成都 (a candidate may not open it at all).
    home = client.get(reverse("custody_home"))
    assert home.status_code == 403 or (world.plan.name not in home.content.decode()
                                       and "CD-2026-001" not in home.content.decode())


def test_the_center_sees_the_plan_packages_and_may_register_one(world, login, chengdu_reviewer):
    client = login(chengdu_reviewer)
    page = client.get(reverse("custody_plan", args=[world.plan.pk])).content.decode()
    assert "CD-2026-001" in page and "孙保管" in page and 'id="package-register"' in page

    response = client.post(reverse("custody_package_register", args=[world.plan.pk]), {
        "session": world.exam.sessions["hr_theory"].pk, "room": "", "number": "CD-2026-002", "paper_count": 12,
        "seal_number": "FT-0002", "custodian": world.custodian.pk})
    package = PaperPackage.objects.get(number="CD-2026-002")
    assert response.status_code == 302 and response["Location"] == reverse("custody_package", args=[package.pk])
    assert package.holder == world.custodian and package.paper_count == 12


def test_the_institution_sees_the_packages_but_cannot_register(world, login, institution_clerk):
    client = login(institution_clerk)
    page = client.get(reverse("custody_plan", args=[world.plan.pk])).content.decode()
    assert "CD-2026-001" in page and 'id="package-register"' not in page
    assert client.get(reverse("custody_package_register", args=[world.plan.pk])).status_code == 403


def test_a_supervisor_sees_a_package_only_once_it_is_handed_to_him(world, login, supervisor, chengdu_reviewer):
    client = login(supervisor)
    url = reverse("custody_package", args=[world.package.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("custody_plan", args=[world.plan.pk])).status_code == 404
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, chengdu_reviewer, at=Clock()())
    page = client.get(url).content.decode()
    assert "CD-2026-001" in page and 'id="handover-form"' in page  # he holds it: he records the next step
    assert "CD-2026-001" in client.get(reverse("custody_plan", args=[world.plan.pk])).content.decode()


def test_the_handover_form_offers_the_next_stage_and_records_it(world, login, chengdu_reviewer):
    client = login(chengdu_reviewer)
    url = reverse("custody_package", args=[world.package.pk])
    page = client.get(url).content.decode()
    assert '<option value="issue" selected>' in page
    response = client.post(reverse("custody_handover_record", args=[world.package.pk]),
                           handover_post(world, Stage.ISSUE, world.custodian, world.supervisor))
    assert response.status_code == 302
    world.package.refresh_from_db()
    assert world.package.holder == world.supervisor and world.package.status == PaperPackage.Status.IN_TRANSIT
    page = client.get(url).content.decode()
    assert '<option value="to_chief" selected>' in page and "郑督导" in page


def test_r_fj_9_the_form_refuses_a_count_mismatch_and_keeps_what_was_typed(world, login, chengdu_reviewer):
    client = login(chengdu_reviewer)
    response = client.post(reverse("custody_handover_record", args=[world.package.pk]),
                           handover_post(world, Stage.ISSUE, world.custodian, world.supervisor, count=29,
                                         note="少一份"))
    page = response.content.decode()
    assert response.status_code == 200 and "R-FJ-9" in page and "29" in page and "少一份" in page
    assert not Handover.objects.exists()


def test_r_fj_9_the_form_refuses_a_missing_signature(world, login, chengdu_reviewer):
    client = login(chengdu_reviewer)
    response = client.post(reverse("custody_handover_record", args=[world.package.pk]),
                           handover_post(world, Stage.ISSUE, world.custodian, world.supervisor, receiver_signed=None))
    assert "R-FJ-9" in response.content.decode() and "未签字" in response.content.decode()
    assert not Handover.objects.exists()


def test_a_leak_report_halts_the_package_and_alerts_the_center(world, login, institution_clerk, chengdu_reviewer):
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, chengdu_reviewer, at=Clock()())
    client = login(institution_clerk)
    response = client.post(reverse("custody_leak_report", args=[world.package.pk]),
                           {"description": "考点群内有人称见到试题"})
    assert response.status_code == 302
    world.package.refresh_from_db()
    assert world.package.status == PaperPackage.Status.HALTED

    center = login(chengdu_reviewer)
    for url in (reverse("custody_home"), reverse("custody_plan", args=[world.plan.pk])):
        page = center.get(url).content.decode()
        assert 'id="leak-alert"' in page and "CD-2026-001" in page and "考点群内有人称见到试题" in page
    page = center.get(reverse("custody_package", args=[world.package.pk])).content.decode()
    assert 'id="package-halted"' in page and "考点群内有人称见到试题" in page
    # The form now offers only the return to the custodian; anything else is refused.
    assert '<option value="return" selected>' in page
    response = center.post(reverse("custody_handover_record", args=[world.package.pk]),
                           handover_post(world, Stage.TO_CHIEF, world.supervisor, world.chief))
    assert "R-CQ-9" in response.content.decode() and world.package.handovers.count() == 1

    report = LeakReport.objects.get()
    center.post(reverse("custody_leak_resolve", args=[report.pk]), {"resolution": "启用备用卷"})
    report.refresh_from_db()
    world.package.refresh_from_db()
    assert report.resolution == "启用备用卷" and world.package.status == PaperPackage.Status.HALTED
    assert 'id="leak-alert"' not in center.get(reverse("custody_home")).content.decode()


def test_the_institution_cannot_resolve_a_leak_report(world, login, institution_clerk, chengdu_reviewer):
    report = services.leak_report(package=world.package, description="封口松动", by=chengdu_reviewer)
    client = login(institution_clerk)
    assert client.post(reverse("custody_leak_resolve", args=[report.pk]), {"resolution": "无"}).status_code == 403
    report.refresh_from_db()
    assert report.resolved_at is None


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "chain.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "chain")], check=True)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_custody_chain_prints_with_names_counts_and_signatures(world, login, institution_clerk,
                                                                    chengdu_reviewer, tmp_path):
    clock = Clock()
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, institution_clerk, at=clock())
    hand(world, Stage.TO_CHIEF, world.supervisor, world.chief, institution_clerk, at=clock())
    hand(world, Stage.TO_ROOM, world.chief, world.invigilator, institution_clerk, at=clock())
    hand(world, Stage.FROM_ROOM, world.invigilator, world.chief, institution_clerk, at=clock(),
         seal_number="HS-7788", note="考后当场封装")
    hand(world, Stage.FROM_CHIEF, world.chief, world.supervisor, institution_clerk, at=clock(),
         seal_number="HS-7788")
    hand(world, Stage.RETURN, world.supervisor, world.custodian, institution_clerk, at=clock(),
         seal_number="HS-7788")
    services.leak_report(package=world.package, description="考后网上出现疑似本卷试题", by=chengdu_reviewer)
    response = login(institution_clerk).get(reverse("custody_chain_pdf", args=[world.package.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    for expected in ("试卷交接记录单", "CD-2026-001", "FT-0001", "HS-7788", "孙保管", "郑督导", "钱主考", "冯监考",
                     "已签", "中心发卷给督导员", "督导员交回中心", "考后当场封装", "考后网上出现疑似本卷试题",
                     "交出人签名", "试卷保管员（签名）"):
        assert expected in text, expected
    assert "未签" not in text


def test_the_province_opens_every_custody_page(world, login, province_admin, chengdu_reviewer):
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, chengdu_reviewer, at=Clock()())
    client = login(province_admin)
    for url in (reverse("custody_home"), reverse("custody_plan", args=[world.plan.pk]),
                reverse("custody_package_register", args=[world.plan.pk]),
                reverse("custody_package", args=[world.package.pk]),
                reverse("custody_chain_pdf", args=[world.package.pk])):
        assert client.get(url).status_code == 200, url
    assert world.plan.name in client.get(reverse("custody_home")).content.decode()
