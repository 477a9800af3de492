"""Search that keeps up: a normalised search_text on accounts and contacts, and its text index.

PostgreSQL: pg_trgm and a trigram GIN index on the column. SQLite: an FTS5 table with the
trigram tokenizer, kept in step by triggers (core/search.py; re-created after every migrate
should a table rebuild have dropped them).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from touchbase.core.search import search_index_drop, search_index_install
from touchbase.relationships.models import account_search_text, contact_search_text

TABLES = ("relationships_account", "relationships_contact")
BATCH = 2000


def fill(apps, schema_editor):
    """Write the search text of every existing row (raw updates: historical models lack save())."""
    Account = apps.get_model("relationships", "Account")
    Contact = apps.get_model("relationships", "Contact")
    accounts = Account._base_manager.values_list("id", "name", "email", "phone", "city")
    texts = [(account_search_text(name=name, email=email, phone=phone, city=city), pk)
             for pk, name, email, phone, city in accounts]  # fmt: skip
    _write(schema_editor, "relationships_account", texts)
    contacts = Contact._base_manager.values_list(
        "id", "first_name", "last_name", "email", "phone", "mobile", "city", "account__name",
        "erased_at",
    )
    texts = [
        (contact_search_text(first_name=first, last_name=last, email=email, phone=phone,
                             mobile=mobile, city=city, account_name=account or "",
                             is_erased=erased is not None), pk)
        for pk, first, last, email, phone, mobile, city, account, erased in contacts
    ]  # fmt: skip
    _write(schema_editor, "relationships_contact", texts)


def _write(schema_editor, table, texts):
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(texts), BATCH):
            cursor.executemany(
                f"UPDATE {table} SET search_text = %s WHERE id = %s", texts[start : start + BATCH]
            )


def install(apps, schema_editor):
    for table in TABLES:
        search_index_install(schema_editor.connection, table)


def uninstall(apps, schema_editor):
    for table in TABLES:
        search_index_drop(schema_editor.connection, table)


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0011_contact_salutation"),
    ]

    operations = [
        migrations.AddField(
            model_name="account",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="contact",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        # A no-op on SQLite; pg_trgm is a trusted extension, so the database owner may add it.
        TrigramExtension(),
        migrations.RunPython(install, uninstall),
    ]
