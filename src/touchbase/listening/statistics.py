"""The statistics behind ratings and the launch monitor: plain functions of numbers, no database.

- `stars_interval`: a 95 % interval for the average of 1–5 star ratings. The average is mapped
  to 0–1 and given a Wilson score interval as if each rating were a yes/no answer. A value in
  0–1 with a given mean varies at most as much as a yes/no answer with that mean, so the
  interval is never too narrow (it is conservative); it stays within 1–5 stars, it is wide for
  a few ratings and never has zero width, even when every rating is the same.
- `surge_p_value`: the one-sided Fisher exact test of whether the share of negative mentions in
  a short window is higher than in a baseline period. It is exact for the small counts of a
  few hours, and with a large baseline it agrees with a binomial test against the baseline's
  share, while a small baseline (a young workspace) counts as the uncertain level it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The 97.5th percentile of the standard normal distribution: two-sided 95 %.
Z_95 = 1.959963984540054
LOWEST_STARS = 1.0
HIGHEST_STARS = 5.0


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(share: float, count: int, z: float = Z_95) -> Interval:
    """The Wilson score interval of a share observed in `count` trials (0–1 for no trials)."""
    if count <= 0:
        return Interval(0.0, 1.0)
    share = min(1.0, max(0.0, share))
    spread = z * z / count
    centre = (share + spread / 2) / (1 + spread)
    margin = z * math.sqrt(share * (1 - share) / count + spread / (4 * count)) / (1 + spread)
    return Interval(max(0.0, centre - margin), min(1.0, centre + margin))


def stars_interval(average: float, count: int, z: float = Z_95) -> Interval:
    """A 95 % interval for the average of `count` ratings of 1–5 stars (see the module)."""
    width = HIGHEST_STARS - LOWEST_STARS
    share = wilson_interval((average - LOWEST_STARS) / width, count, z)
    return Interval(LOWEST_STARS + width * share.low, LOWEST_STARS + width * share.high)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def surge_p_value(
    *, window_negative: int, window_total: int, baseline_negative: int, baseline_total: int
) -> float:
    """P-value of the one-sided Fisher exact test: is the window's negative share higher?

    Steps: the 2×2 table (window / baseline × negative / other) has fixed margins; under the
    hypothesis of one common share the window's negatives follow the hypergeometric
    distribution, and the p-value is its upper tail from the observed count, summed in logs
    so that baselines of millions of mentions neither overflow nor lose precision.
    """
    if not 0 <= window_negative <= window_total or not 0 <= baseline_negative <= baseline_total:
        raise ValueError("Negative counts lie between 0 and their totals.")
    population = window_total + baseline_total
    negatives = window_negative + baseline_negative
    highest = min(window_total, negatives)
    if window_total == 0 or window_negative == 0:
        return 1.0
    whole = _log_choose(population, window_total)
    logs = [
        _log_choose(negatives, drawn)
        + _log_choose(population - negatives, window_total - drawn)
        - whole
        for drawn in range(window_negative, highest + 1)
        if window_total - drawn <= population - negatives
    ]
    top = max(logs)
    return min(1.0, math.exp(top) * math.fsum(math.exp(value - top) for value in logs))
