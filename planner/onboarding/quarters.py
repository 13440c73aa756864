"""Calendar quarters (``Q3-2027``) and the plan months they cover."""

from __future__ import annotations

from dataclasses import dataclass

from planner.plan.schema import QUARTER, Plan


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``year`` and ``number`` 1-4."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``Q3-2027`` (also ``Q3 2027``, ``2027-Q3``); :class:`ValueError` otherwise."""
        cleaned = text.strip().upper().replace(" ", "-")
        if cleaned[:4].isdigit() and cleaned[4:6] == "-Q":  # 2027-Q3
            cleaned = f"{cleaned[5:]}-{cleaned[:4]}"
        match = QUARTER.match(cleaned)
        if not match:
            raise ValueError(f"{text!r} is not a calendar quarter as Q3-2027")
        return cls(int(match[2]), int(match[1]))

    @classmethod
    def of_month(cls, plan: Plan, month: int) -> Quarter:
        """The quarter that plan month ``month`` (1-based) falls in."""
        year, calendar = calendar_month(plan, month)
        return cls(year, (calendar - 1) // 3 + 1)

    @property
    def key(self) -> str:
        """As the plan file writes it: ``Q3-2027``."""
        return f"Q{self.number}-{self.year}"

    def label(self) -> str:
        """As a reader says it: ``Q3 2027``."""
        return f"Q{self.number} {self.year}"

    def months(self, plan: Plan) -> list[int]:
        """The plan months (1..N) of this quarter; fewer than 3 at the horizon's ends."""
        first = plan_month(plan, self.year, 3 * self.number - 2)
        return [m for m in range(first, first + 3) if 1 <= m <= plan.months]

    def year_to_date(self, plan: Plan) -> list[int]:
        """The plan months from January of the quarter's year to the quarter's end."""
        first = plan_month(plan, self.year, 1)
        last = plan_month(plan, self.year, 3 * self.number)
        return [m for m in range(first, last + 1) if 1 <= m <= plan.months]

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


def calendar_month(plan: Plan, month: int) -> tuple[int, int]:
    """The calendar (year, month) of plan month ``month``."""
    year, first = (int(part) for part in plan.start.split("-"))
    index = year * 12 + first - 1 + month - 1
    return index // 12, index % 12 + 1


def plan_month(plan: Plan, year: int, month: int) -> int:
    """The plan month of calendar ``year``-``month`` (may lie outside 1..N)."""
    first_year, first = (int(part) for part in plan.start.split("-"))
    return (year - first_year) * 12 + (month - first) + 1


def quarters_of(plan: Plan) -> list[Quarter]:
    """Every calendar quarter the plan's horizon touches, in order."""
    first, last = Quarter.of_month(plan, 1), Quarter.of_month(plan, plan.months)
    out = [first]
    while out[-1] != last:
        q = out[-1]
        out.append(Quarter(q.year + 1, 1) if q.number == 4 else Quarter(q.year, q.number + 1))
    return out
