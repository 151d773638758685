import pytest

from .conftest import PAGES

pytestmark = pytest.mark.web


def describe(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
    )


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(
    open_page, live_server, demo, axe_path, viewport, name
):
    page = open_page(viewport)
    page.goto(f"{live_server.url}{PAGES[name]}")
    # Evaluated through DevTools, not as a <script>: the site's CSP stays on.
    page.evaluate(axe_path.read_text(encoding="utf-8"))

    results = page.evaluate("axe.run()")

    assert results["passes"], "axe checked nothing"
    assert results["violations"] == [], describe(results["violations"])
