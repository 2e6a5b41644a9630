"""Builders of the staff registry tests: people and candidates written straight to the tables, and
import workbooks (one row per person, in the template's columns)."""

import io
from datetime import date, timedelta

from django.utils import timezone
from openpyxl import Workbook

from kaowu.core.ids import id_make
from kaowu.registration.models import Candidate
from kaowu.staffing.models import StaffMember
from kaowu.staffing.registry import imports

HEADER = [c.title for c in imports.COLUMNS]


def staff_id_number(n: int) -> str:
    return id_make("510104", date(1993, 1, 1) + timedelta(days=n), 100 + n % 800)


def candidate_make(n: int, name: str = "") -> Candidate:
    return Candidate.objects.create(
        name=name or f"学员{n:03d}", gender="男", birth_date=date(1998, 1, 1), education="senior",
        id_number=id_make("510104", date(1998, 1, 1) + timedelta(days=n), 200 + n % 700),
        address="成都市锦江区东大街1号", phone="13900000000")


def staff_make(organisation, n: int, name: str, **roles) -> StaffMember:
    """A person written straight to the table: fixtures should not depend on the services under test."""
    return StaffMember.objects.create(organisation=organisation, name=name, id_number=staff_id_number(n),
                                      phone="13800000001", employer_name="成都市第一人民医院", region_code="510104",
                                      **roles)


def until(days: int = 400) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def row(n: int, name: str | None = None, roles: str = "考评员", item: str = "育婴员", level: str = "三级",
        card: str | None = None, valid: str | None = None, **extra) -> list:
    values = {"name": f"人员{n:04d}" if name is None else name, "id_number": staff_id_number(n),
              "phone": "13800000001", "employer": "成都市第一人民医院", "region_code": "510104", "roles": roles,
              "item": item, "level": level, "card_number": f"KP-{n:05d}" if card is None else card,
              "valid_until": until() if valid is None else valid}
    values.update(extra)
    return [values[c.key] for c in imports.COLUMNS]


def xlsx(rows: list[list], header: list[str] = HEADER) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(imports.SHEET_NAME)
    sheet.append(header)
    for line in rows:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
