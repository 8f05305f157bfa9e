from django.db import migrations


class Migration(migrations.Migration):
    """API tokens now expire API_TOKEN_MAX_AGE_DAYS after they were issued: the tokens issued
    before count from now, so that the clients using them keep working for a full period."""

    dependencies = [
        ("portal", "0004_sessions"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [
        migrations.RunSQL("UPDATE authtoken_token SET created = now()", migrations.RunSQL.noop),
    ]
