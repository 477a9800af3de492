"""One cadence rule per scope and target, whatever its interval.

Rules for the same customers are merged first, keeping the rule that applies today: among
rules for the same customers the shortest interval wins (policies_ranked), so keeping it and
deleting the others changes no customer's due date. Keeping the oldest would instead move
everyone to a longer interval the team had already overridden.
"""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


def merge_same_target_rules(apps, schema_editor):
    CadencePolicy = apps.get_model("relationships", "CadencePolicy")
    kept = set()
    rules = CadencePolicy.objects.order_by("workspace_id", "interval_days", "id")
    for policy in rules.iterator():
        segment = policy.segment.strip()
        key = (policy.workspace_id, policy.scope, policy.owner_id, segment.lower(), policy.tag_id)
        if key in kept:
            policy.delete()
            continue
        kept.add(key)
        if segment != policy.segment:
            policy.segment = segment
            policy.save(update_fields=["segment"])
    if schema_editor.connection.vendor == "postgresql":
        # PostgreSQL builds no index on a table with foreign-key checks still pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0012_contact_search"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="cadencepolicy", name="unique_cadence_rule"),
        migrations.RunPython(merge_same_target_rules, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="cadencepolicy",
            constraint=models.UniqueConstraint(
                models.F("workspace"),
                models.F("scope"),
                django.db.models.functions.comparison.Coalesce(
                    "owner", models.Value(0), output_field=models.BigIntegerField()
                ),
                django.db.models.functions.text.Lower("segment"),
                django.db.models.functions.comparison.Coalesce(
                    "tag", models.Value(0), output_field=models.BigIntegerField()
                ),
                name="one_cadence_rule_per_target",
                violation_error_message="A rule for these customers exists already.",
            ),
        ),
    ]
