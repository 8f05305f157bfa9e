"""Every donation recorded before funds existed goes to a fund of its branch.

The rule is funds.rules.default_fund: a donation to a campaign goes to the branch's fund
designated to that campaign (its project: the campaign's name), any other donation to the
branch's unrestricted fund. The funds are opened, the donations assigned (the append-only
trigger is skipped for this one statement: only the new, empty column is set) and each
fund's balance computed from its cash donations. Funds and spendings follow a branch that
moves to another region, as its donations do.
"""

from django.db import migrations

FORWARD = """
INSERT INTO funds_fund (created_at, updated_at, branch_id, region_code, kind, name, project)
SELECT DISTINCT now(), now(), d.branch_id, '', 'unrestricted', '', ''
  FROM funds_donation d
 WHERE d.campaign_id IS NULL AND d.fund_id IS NULL
ON CONFLICT DO NOTHING;

INSERT INTO funds_fund
       (created_at, updated_at, branch_id, region_code, kind, name, campaign_id, project)
SELECT DISTINCT now(), now(), d.branch_id, '', 'designated', '', d.campaign_id, c.name
  FROM funds_donation d JOIN funds_campaign c ON c.id = d.campaign_id
 WHERE d.fund_id IS NULL
ON CONFLICT DO NOTHING;

DO $$
DECLARE
    protection text;
BEGIN
    SELECT tgname INTO protection FROM pg_trigger
     WHERE tgrelid = 'funds_donation'::regclass
       AND tgname LIKE 'pgtrigger_funds_donation_append_only_%';
    PERFORM set_config('pgtrigger.ignore', '{' || coalesce(protection, '') || '}', true);
END $$;

UPDATE funds_donation d SET fund_id = f.id
  FROM funds_fund f
 WHERE d.fund_id IS NULL AND f.branch_id = d.branch_id
   AND ((d.campaign_id IS NULL AND f.kind = 'unrestricted') OR f.campaign_id = d.campaign_id);

SELECT set_config('pgtrigger.ignore', '{}', true);

INSERT INTO funds_fundbalance (fund_id, received, spent)
SELECT f.id, coalesce(sum(d.amount), 0), 0
  FROM funds_fund f LEFT JOIN funds_donation d ON d.fund_id = f.id AND d.kind = 'cash'
 GROUP BY f.id
ON CONFLICT (fund_id) DO NOTHING;

CREATE OR REPLACE FUNCTION funds_follow_branch_move() RETURNS trigger AS $$
BEGIN
    UPDATE funds_donation SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    UPDATE funds_fund SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    UPDATE funds_spending SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION funds_follow_branch_move() RETURNS trigger AS $$
BEGIN
    UPDATE funds_donation SET region_code = NEW.region_id WHERE branch_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0015_funds_and_spendings")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
