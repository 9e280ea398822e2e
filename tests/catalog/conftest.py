"""Catalog tests start from a project whose translation files do not exist yet."""

import pytest


@pytest.fixture
def project(project):
    for po in (project / "translations").rglob("*.po"):
        po.unlink()
    return project
