"""A sequence for the receipt numbers the server assigns (R<year>-<8 digits>)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("funds", "0003_follow_branch_moves")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE funds_receipt_no_seq",
            "DROP SEQUENCE IF EXISTS funds_receipt_no_seq",
        )
    ]
