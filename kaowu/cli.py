"""The `kaowu` console script: Django's management commands under shorter names.

    kaowu serve                 development server on 127.0.0.1:8000
    kaowu worker                background task worker
    kaowu demo [--scale N]      build the demo province
    kaowu migrate               apply database migrations
    kaowu workdays add DATE N   the date N Chinese working days after DATE
    kaowu holidays-load FILE    load next year's holidays and 调休 working days (CSV or JSON: 日期,类型,节日,备注)
    kaowu id-check NUMBER       check a resident ID number
    kaowu bench NAME --json     run one benchmark scenario
    kaowu token create USER     issue an API token
Any other word is passed to Django's manage.py unchanged.
"""

import os
import sys

ALIASES = {"id-check": "id_check", "holidays-load": "holidays_load"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaowu.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help", "help"} and len(argv) == 2:
        print(__doc__)
        return
    argv[1] = ALIASES.get(argv[1], argv[1])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
