"""The portal counts what each link does in the cache: every test starts with none counted."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def nothing_counted() -> None:
    cache.clear()
