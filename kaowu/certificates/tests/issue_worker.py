"""One approving process of the concurrency test: `python -m kaowu.certificates.tests.issue_worker DB RELEASE
USERNAME START` waits until the wall-clock time START (so that all processes hit the counter together), then
issues the certificates of release RELEASE as USERNAME against database DB (the test's database), and prints
the numbers it got."""

import sys
import time


def main() -> None:
    database, release_id, username, start = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database
    import django

    django.setup()
    from kaowu.accounts.models import User
    from kaowu.certificates.services import certificates_issue
    from kaowu.certificates.tests.support import ISSUE_DAY
    from kaowu.scoring.models import ResultRelease

    release = ResultRelease.objects.get(pk=release_id)
    by = User.objects.get(username=username)
    time.sleep(max(0.0, start - time.time()))
    certificates = certificates_issue(release=release, by=by, today=ISSUE_DAY)
    print(" ".join(c.number for c in certificates))


if __name__ == "__main__":
    main()
