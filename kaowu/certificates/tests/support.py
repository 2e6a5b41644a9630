"""A plan whose results are final, built with the ORM (how the scores came about is the scoring tests'
business): `final_release_build` gives a 成都 plan with passed and failed results, ready for issuing."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from kaowu.accounts.models import Organisation
from kaowu.catalog.loader import catalogue_load
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.plans.models import Plan, PlanItem
from kaowu.plans.services import plan_create
from kaowu.registration.models import Application, Candidate
from kaowu.scoring.models import Result, ResultRelease

EXAM_END = date(2026, 10, 20)
ISSUE_DAY = date(2026, 11, 23)
# A 90×110 grey JPEG (the photo size of R-FJ-4), made once.
_PHOTO: bytes | None = None


def photo_jpeg() -> bytes:
    global _PHOTO
    if _PHOTO is None:
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (90, 110), (180, 190, 200)).save(out, "JPEG", quality=80)
        _PHOTO = out.getvalue()
    return _PHOTO


def id_number_make(serial: int) -> str:
    """A valid resident ID number (checksum included) born 1990-01-01 in 锦江区."""
    from stdnum.cn import ric

    body = f"51010419900101{serial % 1000:03d}"
    return body + ric.calc_check_digit(body)


@dataclass
class FinalRelease:
    plan: Plan
    release: ResultRelease
    item: PlanItem
    passed: list[Result]
    failed: list[Result]


def evaluation_body_register(institution: Organisation, *, kind="S", code="5101", sequence="000123") -> None:
    Organisation.objects.filter(pk=institution.pk).update(
        evaluation_body_kind=kind, evaluation_body_code=code, evaluation_body_sequence=sequence)
    institution.refresh_from_db()


def final_release_build(clerk, *, passed: int = 3, failed: int = 1, special: bool = False, name: str = "一站第09批次",
                        first_serial: int = 0, photos: bool = False, status=ResultRelease.Status.FINAL) -> FinalRelease:
    catalogue_load()
    institution = clerk.organisation
    if not special and not institution.evaluation_body_code:
        evaluation_body_register(institution)
    today = timezone.localdate()
    if special:
        items = [{"special_item": SpecialItem.objects.get(code="SC2024-01")}]
    else:
        items = [{"occupation": Occupation.objects.get(name="育婴员"), "level": 4}]
    plan = plan_create(
        institution=institution, by=clerk, name=name, kind="daily",
        assessment_type="special_ability" if special else "skill_level", registration_place="报名大厅",
        registration_opens=today - timedelta(days=60), registration_closes=today - timedelta(days=40),
        contact_name="陈录", contact_phone="028", sites=[], items=items)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.REGISTRATION_OPEN)
    item = PlanItem.objects.get(plan=plan)
    release = ResultRelease.objects.create(plan=plan, status=status, exam_end=EXAM_END, report_due=EXAM_END,
                                           publication_ends=EXAM_END + timedelta(days=10),
                                           recheck_until=EXAM_END + timedelta(days=20))
    results: dict[str, list[Result]] = {"passed": [], "failed": []}
    for n in range(passed + failed):
        serial = first_serial + n
        candidate = Candidate.objects.create(
            name=f"考生{serial:03d}", gender="女" if n % 2 else "男", birth_date="1990-01-01", education="senior",
            id_number=id_number_make(serial), address="成都市锦江区", phone="13800000000")
        if photos:
            candidate.photo.save(f"p{serial}.jpg", ContentFile(photo_jpeg()), save=True)
        application = Application.objects.create(candidate=candidate, plan=plan, item=item,
                                                 status=Application.Status.TICKETED)
        ok = n < passed
        results["passed" if ok else "failed"].append(Result.objects.create(
            application=application, release=release, outcome="passed" if ok else "failed",
            total=80 if ok else 40, grade=("良好" if ok else "") if special else "", final=True))
    return FinalRelease(plan=plan, release=release, item=item, **results)


def issue(final: FinalRelease, by, today: date = ISSUE_DAY):
    """The center issues the certificates of `final` (on ISSUE_DAY unless told)."""
    from kaowu.certificates.services import certificates_issue

    return certificates_issue(release=final.release, by=by, today=today)


def pdf_text(data: bytes, tmp_path) -> str:
    import subprocess

    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
