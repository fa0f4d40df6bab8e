"""The reproduction figure's title (tools/plot_reproduce.py): the run's
`study` says "(dark TID)" or, with --light, "(dark and illuminated TID)"; a
file of before that fix (light panel, "(dark TID)") is retitled. Run by
ctest (label plot): python3 -m pytest tools/tests."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from plot_reproduce import study_title  # noqa: E402

STUDY = "Xiang et al., J. Mater. Chem. A 2026, 14, 16493"


def test_dark_title_kept():
    assert study_title(STUDY + " (dark TID)", False) == STUDY + " (dark TID)"


def test_light_title():
    lit = STUDY + " (dark and illuminated TID)"
    assert study_title(lit, True) == lit
    assert study_title(STUDY + " (dark TID)", True) == lit  # an old file with the light panel
