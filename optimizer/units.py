"""Units an officer thinks in: yuan, 万元 and 亿元; one place for the factors.

>>> WAN, YI
(10000.0, 100000000.0)
"""

from __future__ import annotations

#: Yuan in one 万元 and in one 亿元.
WAN = 1e4
YI = 1e8
