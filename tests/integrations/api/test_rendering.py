"""The fast representation of each resource is exactly what its DRF serializer gives."""

from types import SimpleNamespace

import pytest

from integrations.api.rendering import representer
from integrations.api.urls import router
from tests.integrations.api.endpoints import build_targets


@pytest.mark.parametrize("prefix, viewset, basename", router.registry, ids=lambda v: str(v))
def test_the_representation_is_the_serializers(mine, prefix, viewset, basename):
    targets = build_targets(mine)
    view = viewset()
    view.request = SimpleNamespace(auth=SimpleNamespace(tenant=mine.tenant))
    rows = list(view.get_queryset())
    assert rows, f"no {basename} to compare"
    serializer = viewset.serializer_class

    assert representer(serializer).many(rows) == serializer(rows, many=True).data
    assert targets
