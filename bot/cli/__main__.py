"""``python -m bot.cli``: the same as the ``perimeter`` command."""

from bot.cli import main

main()
