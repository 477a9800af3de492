"""Which products a text names: by name, alias or SKU, as whole words, umlauts and case aside.

"Kaffeemühle Pro", "kaffeemuehle pro", "KAFFEEMÜHLE-PRO" and "Kaffeemühle  Pro!" all name
the product "Kaffeemühle Pro"; "Kaffeemühle Profi" and "ProKaffeemühle" do not. Text and
terms are folded alike (case, ä→ae, ß→ss, accents, any run of non-letters to one space),
then the terms are searched with one compiled pattern between word boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Max

from touchbase.catalogue.models import Product
from touchbase.core.tenancy import scopes_disabled

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# A term this short ("X1", "Go") names a product only in its exact spelling as a SKU.
SHORTEST_TERM = 3


def fold(text: str) -> str:
    """Case, umlauts, accents and punctuation folded: the form texts and terms are compared in."""
    text = text.casefold().translate(UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.findall(r"[^\W_]+", text))


@dataclass
class ProductMatcher:
    """One workspace's products as a pattern; built once, used for a batch of texts."""

    terms: dict[str, set[int]] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None

    def products_in(self, text: str) -> set[int]:
        if self.pattern is None or not text:
            return set()
        found: set[int] = set()
        for match in self.pattern.finditer(f" {fold(text)} "):
            found |= self.terms.get(match.group(1), set())
        return found

    def products_named(self, hint: str) -> set[int]:
        """A file's product column: its value is a product's name, alias or SKU, or names one."""
        return self.terms.get(fold(hint), set()) or self.products_in(hint)


def matcher_build(products: list[tuple[int, str, str, list[str]]]) -> ProductMatcher:
    """Products as (id, name, sku, aliases)."""
    terms: dict[str, set[int]] = {}
    for product_id, name, sku, aliases in products:
        for term in (name, sku, *aliases):
            folded = fold(term or "")
            if len(folded) >= SHORTEST_TERM or (folded and term == sku):
                terms.setdefault(folded, set()).add(product_id)
    if not terms:
        return ProductMatcher()
    # Longest first, so "kaffeemuehle pro" wins over "kaffeemuehle" where both fit.
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<= )({alternatives})(?= )")
    return ProductMatcher(terms=terms, pattern=pattern)


def matcher_for(workspace_id: int) -> ProductMatcher:
    """The workspace's matcher, rebuilt only when a product changed."""
    with scopes_disabled():
        products = Product.objects.filter(workspace_id=workspace_id)
        stamp = products.aggregate(changed=Max("updated_at"))["changed"]
        count = products.count()
    return _cached_matcher(workspace_id, str(stamp), count)


@lru_cache(maxsize=64)
def _cached_matcher(workspace_id: int, stamp: str, count: int) -> ProductMatcher:
    with scopes_disabled():
        rows = Product.objects.filter(workspace_id=workspace_id).values_list(
            "pk", "name", "sku", "aliases"
        )
        return matcher_build(
            [(pk, name, sku, list(aliases or [])) for pk, name, sku, aliases in rows]
        )
