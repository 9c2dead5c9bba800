"""Issue 11 in real Chromium: the redemption section, solved, read on the results page.

The served app (its store a fresh SQLite file) is driven as an officer would:
expected redemption rates per size class typed into the 兑付风险 section, the
overspend-risk slider moved with the keyboard, Solve clicked; the results page
then says per pool "发放X，预计兑付Y，超支概率Z" and draws the simulated spending
against the pool. Screenshots go to ``$SCREENSHOT_DIR`` when set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.browser import Server, chromium, screenshots, serving, settle
from tests.ui.test_browser_work import WAIT, Outside, go, heading, new_page, no_error

pytestmark = pytest.mark.browser
RATES = {"初创企业": "60", "小型企业": "70", "中型企业": "80", "大型企业": "90"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("redemption")) as running:
        yield running


def test_redemption_section_solves_and_shows_the_sentence_and_the_chart(
        served: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        outside = Outside()
        page = new_page(browser, outside)
        page.goto(served.url)
        heading(page, "方案：shenzhen-2024")
        settle(page)
        expect(page.get_by_text("兑付风险", exact=True)).to_be_visible(timeout=WAIT)
        for size_class, rate in RATES.items():
            field = page.get_by_role("spinbutton", name=f"{size_class}兑付率（%）",
                                     exact=True)
            field.fill(rate)
            field.press("Enter")
            settle(page, 400)
        spread = page.get_by_role("spinbutton", name="兑付率标准差（百分点）", exact=True)
        spread.fill("10")
        spread.press("Enter")
        settle(page, 400)
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="超支风险 ε") \
            .get_by_role("slider")
        slider.focus()
        for _ in range(6):  # 5% → 2% in steps of 0.5
            slider.press("ArrowLeft")
        settle(page)
        expect(slider).to_have_attribute("aria-valuetext", "2.0%", timeout=WAIT)
        slider.evaluate("e => e.scrollIntoView({block: 'center'})")
        settle(page, 500)
        page.screenshot(path=str(screenshots(tmp_path) / "redemption-form.png"))
        page.get_by_role("button", name="求解").click()
        settle(page, 2_500)
        no_error(page)

        go(page, "结果")
        heading(page, "兑付风险")
        expect(page.get_by_text(re.compile("允许的超支风险 ε＝2%"))).to_be_visible()
        for program in ("模型券", "训力券"):
            said = re.compile(rf"^{program}：发放[\d,.]+(万|亿)元，预计兑付[\d,.]+(万|亿)元，"
                              r"超支概率[\d.]+%$")
            sentence = page.get_by_text(said)
            expect(sentence).to_be_visible(timeout=WAIT)
            column = page.locator('[data-testid="stColumn"]').filter(has=sentence)
            chart = column.locator('[data-testid="stVegaLiteChart"]')
            expect(chart).to_be_visible(timeout=WAIT)
            expect(chart.locator("canvas, svg").first).to_be_visible(timeout=WAIT)
            expect(column.get_by_text(re.compile("兑付额95%分位.+99%分位"))).to_be_visible()
        page.get_by_role("heading", name="兑付风险").evaluate(
            "e => e.scrollIntoView({block: 'start'})")
        settle(page, 800)
        page.screenshot(path=str(screenshots(tmp_path) / "redemption-results.png"))
        no_error(page)
        assert outside.urls == []
