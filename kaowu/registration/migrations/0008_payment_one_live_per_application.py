from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("registration", "0007_payment_refunded_data")]

    operations = [
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(condition=models.Q(("refunded", False)), fields=("application",),
                                               name="payment_one_live_per_application"),
        ),
    ]
