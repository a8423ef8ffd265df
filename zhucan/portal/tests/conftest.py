from __future__ import annotations

import pytest

from zhucan.conftest import World
from zhucan.portal.tests.factories import Portal, build_portal


@pytest.fixture
def portal(world: World) -> Portal:
    return build_portal(world)
