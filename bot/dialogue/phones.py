"""Russian phone numbers as the dialogue recognises them: two patterns, each for one purpose.

- :data:`ANY_PHONE` — anything written like a Russian phone number, with or without ``+7`` /
  ``8``, landlines included. Masking uses it: in lists staff read in bulk every such number
  is hidden.
- :data:`MOBILE_PHONE` — a mobile number (``9xx``) with its country prefix, the numbers a
  one-time code can be sent to by SMS. A login starts from it, and a mobile number in an
  account question marks someone else's data. Its groups spell the number in E.164.

At most three separators stand between groups («+7 (999) 123-45-67» has two): an unbounded
run would make a long line of dashes or spaces cost quadratic time.
"""

from __future__ import annotations

import re

ANY_PHONE = re.compile(
    r"(?<![\d•])(?:\+7|8|7)?[\s(-]{0,3}\d{3}[\s)-]{0,3}\d{3}[\s-]{0,3}\d{2}[\s-]{0,3}\d{2}(?!\d)"
)
MOBILE_PHONE = re.compile(
    r"(?<![\d+])(?:\+7|8|7)[\s\-()]{0,3}(9\d{2})[\s\-()]{0,3}(\d{3})"
    r"[\s\-]{0,3}(\d{2})[\s\-]{0,3}(\d{2})(?!\d)"
)
