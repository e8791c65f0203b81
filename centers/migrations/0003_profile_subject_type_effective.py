import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("centers", "0002_seed_centers")]

    operations = [
        migrations.AddField(
            model_name="centersubjecttype",
            name="effective_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, null=True, verbose_name="生效时间"
            ),
        ),
    ]
