"""Dashboard figures and generic plot helpers: labels in French and English."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from engagement_lib.plots import (  # noqa: E402
    dashboard_plot,
    indicator_label,
    interval_plot,
    network_palette,
)

PARIS = "Europe/Paris"


@pytest.fixture
def results():
    months = pd.date_range("2018-01-01", periods=4, freq="MS", tz=PARIS).tz_convert("UTC")
    rows = []
    for net, base in (("facebook", 1.0), ("x", 0.2)):
        for k, m in enumerate(months):
            for ind, v in (("engagement_rate_reach", base + k), ("posts", 10 + k)):
                rows.append(
                    dict(
                        collectivite="t",
                        account=pd.NA,
                        network=net,
                        period=m,
                        indicator=ind,
                        value=v if net == "facebook" or ind == "posts" else np.nan,
                        unit="%",
                        n=10,
                        ci_low=v - 0.5,
                        ci_high=v + 0.5,
                        status="ok",
                    )
                )
    return pd.DataFrame(rows)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_network_palette_is_fixed():
    all_nets = network_palette()
    assert network_palette(["x"])["x"] == all_nets["x"]
    assert network_palette(["x", "facebook"])["facebook"] == all_nets["facebook"]
    assert len(set(all_nets.values())) == len(all_nets)
    assert network_palette(["myspace"])["myspace"] == (0.5, 0.5, 0.5)


def test_indicator_labels_in_both_languages():
    assert (
        indicator_label("media_mix:video", "fr") == "Part des publications par format — Vidéo (%)"
    )
    assert indicator_label("media_mix:video", "en", unit=False) == (
        "Share of posts by media type — Video"
    )
    assert indicator_label("not_an_indicator", "en") == "not_an_indicator"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dashboard_plot_one_panel_per_indicator(results, lang):
    fig = dashboard_plot(results, lang=lang, ncols=1)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2
    titles = [ax.get_title() for ax in axes]
    assert titles[0] == indicator_label("engagement_rate_reach", lang)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Facebook", "X (Twitter)"]
    # the Facebook line goes through the four monthly values
    lines = [ln for ln in axes[0].get_lines() if len(ln.get_ydata()) == 4]
    assert any(np.allclose(ln.get_ydata(), [1, 2, 3, 4]) for ln in lines)


def test_dashboard_plot_from_a_dashboard(results):
    from engagement_lib.indicators import MonthlyDashboard

    dash = MonthlyDashboard(
        collectivite="t",
        month=pd.Timestamp("2018-03-01", tz=PARIS),
        lang="en",
        tidy=pd.DataFrame(),
        table=pd.DataFrame(),
        history=results,
    )
    fig = dash.plot(indicators=["posts"])
    assert fig.get_suptitle() == "t — 2018-03"
    ax = fig.axes[0]
    marked = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert len(marked) == 1  # the month shown


def test_interval_plot_draws_the_intervals(results):
    last = results[results["period"] == results["period"].max()].assign(variant="a")
    both = pd.concat(
        [
            last,
            last.assign(
                variant="b",
                value=last["value"] + 1,
                ci_low=last["ci_low"] + 1,
                ci_high=last["ci_high"] + 1,
            ),
        ]
    )
    fig = interval_plot(both, hue="variant", lang="fr", col_wrap=2)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == [
        indicator_label("engagement_rate_reach", "fr"),
        indicator_label("posts", "fr"),
    ]
    assert [t.get_text() for t in axes[1].get_yticklabels()] == ["Facebook", "X (Twitter)"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["a", "b"]
    # error bar of Facebook posts, variant a: 13 ± 0.5
    bars = axes[1].containers[0]
    segs = bars.lines[2][0].get_segments()
    assert np.allclose(sorted(segs[0][:, 0]), [12.5, 13.5])
