"""Before a payment could be marked refunded, two payments recorded at once made two payments for one
application (#15), and a withdrawal refunded only one of them. Mark the payments that have a refund as
refunded; every further payment of an application beyond its first live one, and the live payment of an
application withdrawn or refunded, becomes a refund for the institution to confirm (R-SC21-5), so that the
constraint of the next migration holds and no fee stays unaccounted for."""

from django.db import migrations
from django.db.models import Count, Q

DUPLICATE = "重复缴费（系统修正：同一报名同时登记了两笔缴费），待机构确认退费"
WITHDRAWN = "撤回报名时未退的缴费（系统修正），待机构确认退费"


def forwards(apps, schema_editor):
    Application = apps.get_model("registration", "Application")
    Payment = apps.get_model("registration", "Payment")
    Refund = apps.get_model("registration", "Refund")
    Payment.objects.filter(refund__isnull=False).update(refunded=True)
    doubled = (Application.objects.annotate(live=Count("payments", filter=Q(payments__refunded=False)))
               .filter(Q(live__gt=1) | Q(live__gt=0, status__in=["withdrawn", "refunded"])))
    for application in doubled.iterator():
        live = list(Payment.objects.filter(application=application, refunded=False).order_by("paid_at", "pk"))
        keep = [] if application.status in ("withdrawn", "refunded") else live[:1]
        for payment in live:
            if payment in keep:
                continue
            Refund.objects.create(payment=payment, amount=payment.amount,
                                  reason=WITHDRAWN if application.status in ("withdrawn", "refunded") else DUPLICATE)
            payment.refunded = True
            payment.save(update_fields=["refunded"])


class Migration(migrations.Migration):

    dependencies = [("registration", "0006_payment_refunded_refund_confirmation")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
