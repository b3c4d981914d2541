"""Server-drawn SVG charts, so pages need no script or outside library to show them."""

from dataclasses import dataclass
from decimal import Decimal

from receivables.reports import BUCKETS

WIDTH, HEIGHT = 520, 220
PLOT_TOP, PLOT_BOTTOM, LEFT = 24, 190, 8
BAR_GAP = 18


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    amount: Decimal
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2

    @property
    def value_y(self) -> float:
        return self.y - 6


def aging_chart(buckets: dict[str, Decimal]) -> dict:
    """Lay out one bar per aging bucket, heights proportional to the balance in it."""
    amounts = [buckets.get(key) or Decimal(0) for key, *_ in BUCKETS]
    peak = max(amounts) or Decimal(1)
    slot = (WIDTH - 2 * LEFT) / len(BUCKETS)
    bars = []
    for index, ((key, label, *_), amount) in enumerate(zip(BUCKETS, amounts, strict=True)):
        height = float(amount / peak) * (PLOT_BOTTOM - PLOT_TOP)
        bars.append(
            Bar(
                key=key,
                label=label,
                amount=amount,
                x=LEFT + index * slot + BAR_GAP / 2,
                y=PLOT_BOTTOM - height,
                width=slot - BAR_GAP,
                height=height,
            )
        )
    return {"width": WIDTH, "height": HEIGHT, "baseline": PLOT_BOTTOM, "bars": bars}
