"""Tags and participants get explicit link tables that carry the workspace; the tables stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LINKS = [
    ("accounttag", "account", "relationships_account_tags"),
    ("contacttag", "contact", "relationships_contact_tags"),
    ("touchpointparticipant", "touchpoint", "relationships_touchpoint_participants"),
]


def fill_workspace(apps, schema_editor):
    for model_name, parent, _table in LINKS:
        link = apps.get_model("relationships", model_name)
        parent_model = link._meta.get_field(parent).related_model
        workspace_of = parent_model.objects.filter(pk=models.OuterRef(f"{parent}_id"))
        link.objects.filter(workspace__isnull=True).update(
            workspace_id=models.Subquery(workspace_of.values("workspace_id")[:1])
        )


def workspace_field(null):
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.CASCADE, related_name="+",
        to="core.workspace",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_invitation"),
        ("relationships", "0004_move_care_and_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccountTag",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("account", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="relationships.account")),
                        ("tag", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="relationships.tag")),
                    ],
                    options={"db_table": "relationships_account_tags", "unique_together": {("account", "tag")}},
                ),
                migrations.AlterField(
                    model_name="account",
                    name="tags",
                    field=models.ManyToManyField(blank=True, related_name="accounts", through="relationships.AccountTag", to="relationships.tag", verbose_name="tags"),
                ),
                migrations.CreateModel(
                    name="ContactTag",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("contact", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="relationships.contact")),
                        ("tag", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="relationships.tag")),
                    ],
                    options={"db_table": "relationships_contact_tags", "unique_together": {("contact", "tag")}},
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="tags",
                    field=models.ManyToManyField(blank=True, related_name="contacts", through="relationships.ContactTag", to="relationships.tag", verbose_name="tags"),
                ),
                migrations.CreateModel(
                    name="TouchpointParticipant",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("touchpoint", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="relationships.touchpoint")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "relationships_touchpoint_participants", "unique_together": {("touchpoint", "user")}},
                ),
                migrations.AlterField(
                    model_name="touchpoint",
                    name="participants",
                    field=models.ManyToManyField(blank=True, related_name="touchpoints", through="relationships.TouchpointParticipant", to=settings.AUTH_USER_MODEL, verbose_name="participants"),
                ),
            ],
        ),
        *[
            migrations.AddField(model_name=name, name="workspace", field=workspace_field(True))
            for name, _parent, _table in LINKS
        ],
        migrations.RunPython(fill_workspace, migrations.RunPython.noop),
        *[
            migrations.AlterField(model_name=name, name="workspace", field=workspace_field(False))
            for name, _parent, _table in LINKS
        ],
    ]
