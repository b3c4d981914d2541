"""Work on a column's distinct values only.

An export repeats itself: a status column holds a handful of words, a date column a few
hundred days, a customer column a few thousand names over 100,000 rows. Functions that
must look at each text (a regular expression, a parse) run once per distinct value and are
spread back over the rows by index, which is what keeps reading a large file fast.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd


def on_distinct(values: pd.Series, function: Callable[[pd.Series], object]) -> np.ndarray:
    """Return ``function`` (taking and returning a column) applied to each row of
    ``values``, computed once per distinct value."""
    codes, uniques = pd.factorize(values)
    return np.asarray(function(pd.Series(uniques, dtype=str)))[codes]
