"""A reversal is a correction (冲正: booked in its original's period) or a refund (退款:
booked on its own date). The reversals recorded before were booked on the day they were
recorded: they become refunds, so no figure changes. The append-only triggers are replaced
(they name every column) around the one statement that sets the new column.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funds', '0018_spending_region_changes'),
        ('orgs', '0012_summary_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='donation',
            name='funds_donation_append_only',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='spending',
            name='funds_spending_append_only',
        ),
        migrations.AddField(
            model_name='donation',
            name='reversal_kind',
            field=models.CharField(blank=True, choices=[('correction', "Correction (the original's period loses it)"), ('refund', 'Refund (booked on the day it happens)')], max_length=10, verbose_name='Reversal kind'),
        ),
        migrations.AddField(
            model_name='spending',
            name='reversal_kind',
            field=models.CharField(blank=True, choices=[('correction', "Correction (the original's period loses it)"), ('refund', 'Refund (booked on the day it happens)')], max_length=10, verbose_name='Reversal kind'),
        ),
        migrations.RunSQL(
            "UPDATE funds_donation SET reversal_kind = 'refund' WHERE reverses_id IS NOT NULL;"
            "UPDATE funds_spending SET reversal_kind = 'refund' WHERE reverses_id IS NOT NULL;",
            migrations.RunSQL.noop,
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='donation',
            trigger=pgtrigger.compiler.Trigger(name='funds_donation_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."amount" IS DISTINCT FROM (NEW."amount") OR OLD."branch_id" IS DISTINCT FROM (NEW."branch_id") OR OLD."campaign_id" IS DISTINCT FROM (NEW."campaign_id") OR OLD."channel" IS DISTINCT FROM (NEW."channel") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."designated" IS DISTINCT FROM (NEW."designated") OR OLD."designation" IS DISTINCT FROM (NEW."designation") OR OLD."donor_id" IS DISTINCT FROM (NEW."donor_id") OR OLD."fund_id" IS DISTINCT FROM (NEW."fund_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."idempotency_key" IS DISTINCT FROM (NEW."idempotency_key") OR OLD."in_kind_description" IS DISTINCT FROM (NEW."in_kind_description") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."matching" IS DISTINCT FROM (NEW."matching") OR OLD."note" IS DISTINCT FROM (NEW."note") OR OLD."reason" IS DISTINCT FROM (NEW."reason") OR OLD."receipt_no" IS DISTINCT FROM (NEW."receipt_no") OR OLD."received_on" IS DISTINCT FROM (NEW."received_on") OR OLD."recorded_by_id" IS DISTINCT FROM (NEW."recorded_by_id") OR OLD."reversal_kind" IS DISTINCT FROM (NEW."reversal_kind") OR OLD."reverses_id" IS DISTINCT FROM (NEW."reverses_id"))', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='d6d1bd1c370e0b92d37dfe1540fef3db182e0ca4', operation='UPDATE', pgid='pgtrigger_funds_donation_append_only_d2f42', table='funds_donation', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='spending',
            trigger=pgtrigger.compiler.Trigger(name='funds_spending_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."amount" IS DISTINCT FROM (NEW."amount") OR OLD."attachment" IS DISTINCT FROM (NEW."attachment") OR OLD."branch_id" IS DISTINCT FROM (NEW."branch_id") OR OLD."category" IS DISTINCT FROM (NEW."category") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."fund_id" IS DISTINCT FROM (NEW."fund_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."idempotency_key" IS DISTINCT FROM (NEW."idempotency_key") OR OLD."payee" IS DISTINCT FROM (NEW."payee") OR OLD."project" IS DISTINCT FROM (NEW."project") OR OLD."purpose" IS DISTINCT FROM (NEW."purpose") OR OLD."reason" IS DISTINCT FROM (NEW."reason") OR OLD."recorded_by_id" IS DISTINCT FROM (NEW."recorded_by_id") OR OLD."reversal_kind" IS DISTINCT FROM (NEW."reversal_kind") OR OLD."reverses_id" IS DISTINCT FROM (NEW."reverses_id") OR OLD."spent_on" IS DISTINCT FROM (NEW."spent_on") OR OLD."voucher_no" IS DISTINCT FROM (NEW."voucher_no"))', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='be36fc7ccd0ca653bfe2a71f47b3639b632fd456', operation='UPDATE', pgid='pgtrigger_funds_spending_append_only_44ad9', table='funds_spending', when='BEFORE')),
        ),
        migrations.AddConstraint(
            model_name='donation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('reversal_kind', ''), ('reverses__isnull', True)), models.Q(('reversal_kind__in', ['correction', 'refund']), ('reverses__isnull', False)), _connector='OR'), name='funds_donation_reversal_kind_given', violation_error_message='A reversal is a correction or a refund; no other entry is.'),
        ),
        migrations.AddConstraint(
            model_name='spending',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('reversal_kind', ''), ('reverses__isnull', True)), models.Q(('reversal_kind__in', ['correction', 'refund']), ('reverses__isnull', False)), _connector='OR'), name='funds_spending_reversal_kind_given', violation_error_message='A reversal is a correction or a refund; no other entry is.'),
        ),
    ]
