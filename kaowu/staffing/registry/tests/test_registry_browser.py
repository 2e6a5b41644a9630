"""The registry pages in Chromium: they load without a console error or a refused asset, and a clerk can
register a person and a card through the forms."""

import pytest

from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.staffing.registry.tests.factories import row, staff_id_number, xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_center_registers_a_person_and_a_card_in_the_browser(live_server, chengdu_reviewer, center_assessor,
                                                               station_invigilator, candidates, browser):
    page, problems = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, chengdu_reviewer.username)
    page.goto(f"{live_server.url}/staffing/registry/")
    assert page.locator("#staff-table tbody tr").count() == 2
    page.screenshot(path=str(ARTIFACTS / "staff_list.png"), full_page=True)

    page.click("text=登记人员")
    page.fill("#id_name", "钱考评")
    page.fill("#id_id_number", staff_id_number(80))
    page.fill("#id_region_code", "510104")
    page.check("input[name=roles][value=assessor]")
    page.click("#staff-form button[type=submit]")
    page.wait_for_selector("text=已登记考务人员")

    page.select_option("#id_card-occupation", label="育婴员（4-10-01-02）")
    page.select_option("#id_card-level", "3")
    page.fill("#id_card-number", "KP-BROWSER-1")
    page.fill("#id_card-valid_until", "2020-01-31")
    page.click("#card-form button[type=submit]")
    page.wait_for_selector("text=派遣时不会选用")
    assert page.locator("#cards .badge", has_text="已过期").count() == 1
    page.screenshot(path=str(ARTIFACTS / "staff_detail.png"), full_page=True)
    assert page.locator("#cards tr", has_text="KP-BROWSER-1").count() == 1
    assert problems == []


def test_an_import_report_lists_each_faulty_cell_in_the_browser(live_server, chengdu_reviewer, catalogue, browser):
    rows = [row(n) for n in range(20)]
    rows[15][1] = rows[15][1][:17] + ("1" if rows[15][1][17] != "1" else "2")
    rows[3][5] = "监考员"
    content = xlsx(rows)
    page, problems = open_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, chengdu_reviewer.username)
    page.goto(f"{live_server.url}/staffing/registry/import/")
    assert "CSV" in page.inner_text("#import-file-help")
    page.screenshot(path=str(ARTIFACTS / "staff_import_upload.png"), full_page=True)
    page.set_input_files("#import-file", files=[{"name": "人员.xlsx", "buffer": content, "mimeType":
                                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("text=上传并校验")
    page.wait_for_selector("#import-errors")
    errors = page.locator("#import-errors tbody tr").all_inner_texts()
    assert any(line.startswith("17") and "身份证号" in line and "校验位错误" in line for line in errors)
    assert page.locator("#import-confirm").count() == 0
    page.screenshot(path=str(ARTIFACTS / "staff_import_report.png"), full_page=True)
    assert problems == []
