"""Documents: the thesis for 综合评审 named 级别+身份证号+姓名+题目 (R-SC21-6b), and who may download
what a candidate handed in."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaowu.catalog.models import Occupation
from kaowu.core.errors import RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.plans.models import PlanItem
from kaowu.registration import services
from kaowu.registration.tests.factories import PDF, ZHANG_ID, draft_for

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def technician_item(open_plan):
    """企业人力资源管理师 二级 (技师): examined with 综合评审, so it takes a thesis."""
    return PlanItem.objects.create(plan=open_plan, occupation=Occupation.objects.get(name="企业人力资源管理师"),
                                   level=2)


def upload_thesis(client, application, *, title: str, content: bytes = PDF, filename: str = "论文.pdf"):
    return client.post(reverse("candidate_document", args=[application.pk]),
                       {"kind": "thesis", "title": title, "file": SimpleUploadedFile(filename, content)})


def test_r_sc21_6b_thesis_is_named_level_id_name_title_and_downloads_under_that_name(client, login, zhang,
                                                                                      technician_item):
    application = draft_for(zhang, technician_item)
    login(zhang.user)
    response = upload_thesis(client, application, title="企业薪酬体系/设计的实践*")
    assert response.status_code == 302
    document = application.documents.get()
    # Characters a file name cannot carry are dropped from the title.
    expected = f"二级{ZHANG_ID}张伟企业薪酬体系设计的实践.pdf"
    assert document.name == expected
    assert ZHANG_ID not in document.file.name, "the stored path must not carry the ID number"
    page = client.get(reverse("candidate_application", args=[application.pk])).content.decode()
    assert expected in page
    download = client.get(reverse("application_document_file", args=[application.pk, document.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert quote(expected) in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_r_sc21_6b_a_second_thesis_replaces_the_first(client, login, zhang, technician_item):
    application = draft_for(zhang, technician_item)
    login(zhang.user)
    upload_thesis(client, application, title="初稿")
    upload_thesis(client, application, title="定稿")
    assert [d.name for d in application.documents.all()] == [f"二级{ZHANG_ID}张伟定稿.pdf"]


def test_r_sc21_6b_thesis_without_a_title_or_not_a_pdf_is_refused(client, login, zhang, technician_item):
    application = draft_for(zhang, technician_item)
    login(zhang.user)
    response = upload_thesis(client, application, title="  ")
    assert response.status_code == 400 and "须填写论文题目" in response.content.decode()
    response = upload_thesis(client, application, title="题目", content=PNG, filename="scan.png")
    assert response.status_code == 400
    assert "论文须为 PDF 文件" in response.content.decode() and "R-SC21-6b" in response.content.decode()
    assert not application.documents.exists()


def test_r_sc21_6b_no_thesis_for_an_item_without_review(zhang, infant_care_item):
    application = draft_for(zhang, infant_care_item)
    with pytest.raises(RuleViolation) as refused:
        services.application_document_add(application=application, by=zhang.user, kind="thesis", title="题目",
                                          upload=SimpleUploadedFile("t.pdf", PDF))
    assert refused.value.rule_id == "R-SC21-6b"


def test_documents_are_downloadable_by_the_candidate_and_the_institution_only(
        client, login, zhang, li, infant_care_item, institution_clerk, other_institution_clerk, mianyang_reviewer,
        chengdu_reviewer):
    application = draft_for(zhang, infant_care_item)
    document = services.application_document_add(application=application, by=zhang.user, kind="id_copy",
                                                 upload=SimpleUploadedFile("身份证.pdf", PDF))
    url = reverse("application_document_file", args=[application.pk, document.pk])
    for outsider in (li.user, other_institution_clerk, mianyang_reviewer):
        login(outsider)
        assert client.get(url).status_code == 404, outsider.username
    assert not AuditEvent.objects.filter(action="application.document_download").exists()
    for insider in (zhang.user, institution_clerk, chengdu_reviewer):
        login(insider)
        assert client.get(url).status_code == 200, insider.username
    # Staff downloads of personal documents are audited; the candidate's own are not.
    downloads = AuditEvent.objects.filter(action="application.document_download")
    assert sorted(e.actor.username for e in downloads) == sorted([institution_clerk.username,
                                                                 chengdu_reviewer.username])
    # A document of another application is not reachable through this application's URL.
    other = draft_for(li, infant_care_item)
    login(institution_clerk)
    assert client.get(reverse("application_document_file", args=[other.pk, document.pk])).status_code == 404
