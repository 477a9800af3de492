"""The interval and the test, checked against published values (and scipy's, once, by hand)."""

from __future__ import annotations

import pytest

from touchbase.listening.statistics import stars_interval, surge_p_value, wilson_interval


def test_the_wilson_interval_of_8_in_10_is_the_textbook_one():
    # Brown, Cai & DasGupta (2001); scipy.stats.binomtest(8, 10).proportion_ci("wilson")
    interval = wilson_interval(0.8, 10)
    assert interval.low == pytest.approx(0.490162, abs=1e-6)
    assert interval.high == pytest.approx(0.943318, abs=1e-6)


def test_the_wilson_interval_of_no_successes_starts_at_zero():
    interval = wilson_interval(0.0, 5)
    assert interval.low == 0.0
    assert interval.high == pytest.approx(0.434482, abs=1e-6)


def test_no_ratings_leave_the_whole_range_open():
    interval = stars_interval(3.0, 0)
    assert (interval.low, interval.high) == (1.0, 5.0)


def test_three_five_star_ratings_do_not_look_certain():
    interval = stars_interval(5.0, 3)
    assert interval.low == pytest.approx(2.754012, abs=1e-6)
    assert interval.high == 5.0


def test_one_rating_leaves_most_of_the_scale_open():
    interval = stars_interval(1.0, 1)
    assert interval.low == 1.0
    assert interval.high == pytest.approx(1 + 4 * 3.841459 / 4.841459, abs=1e-5)


def test_more_ratings_narrow_the_interval_around_the_average():
    few, many = stars_interval(4.2, 10), stars_interval(4.2, 1000)
    assert few.low < many.low < 4.2 < many.high < few.high
    assert many.high - many.low == pytest.approx(0.1983, abs=1e-3)


def test_the_star_interval_stays_between_one_and_five_stars():
    for average in (1.0, 1.3, 3.0, 4.9, 5.0):
        for count in (1, 2, 10, 10_000):
            interval = stars_interval(average, count)
            assert 1.0 <= interval.low <= average <= interval.high <= 5.0


def test_fisher_gives_the_tea_tasting_p_value():
    # Fisher's lady tasting tea, 3 of 4 cups right: p = 17/70.
    p = surge_p_value(window_negative=3, window_total=4, baseline_negative=1, baseline_total=4)
    assert p == pytest.approx(17 / 70, rel=1e-12)


@pytest.mark.parametrize(
    ("window_negative", "window_total", "baseline_negative", "baseline_total", "expected"),
    [
        # scipy.stats.fisher_exact([[a, b], [c, d]], alternative="greater").pvalue
        (12, 20, 180, 1000, 4.44131252602e-05),
        (5, 10, 180, 1000, 0.0223164657718),
        (6, 10, 180, 1000, 0.00394499235368),
        (3, 3, 180, 1000, 0.00599236585290),
        (46, 100, 1800, 10000, 1.57551965398e-10),
        (20, 20, 1, 5, 0.000395256916996),
    ],
)
def test_fisher_matches_known_values(
    window_negative, window_total, baseline_negative, baseline_total, expected
):
    p = surge_p_value(
        window_negative=window_negative, window_total=window_total,
        baseline_negative=baseline_negative, baseline_total=baseline_total,
    )  # fmt: skip
    assert p == pytest.approx(expected, rel=1e-8)


def test_a_window_no_more_negative_than_usual_is_not_significant():
    p = surge_p_value(
        window_negative=2, window_total=10, baseline_negative=200, baseline_total=1000
    )
    assert p > 0.5


def test_nothing_to_compare_is_no_evidence():
    assert surge_p_value(window_negative=20, window_total=20, baseline_negative=0,
                         baseline_total=0) == pytest.approx(1.0)  # fmt: skip
    assert surge_p_value(window_negative=0, window_total=0, baseline_negative=5,
                         baseline_total=10) == 1.0  # fmt: skip


def test_a_baseline_of_millions_keeps_its_precision():
    p = surge_p_value(
        window_negative=10, window_total=20, baseline_negative=1_000_000,
        baseline_total=10_000_000,
    )  # fmt: skip
    # the binomial tail P(X >= 10 | n=20, p=0.1), which Fisher approaches for a huge baseline
    assert p == pytest.approx(7.1509e-06, rel=2e-3)


def test_counts_that_cannot_be_are_refused():
    with pytest.raises(ValueError, match="between 0"):
        surge_p_value(window_negative=5, window_total=4, baseline_negative=0, baseline_total=1)
