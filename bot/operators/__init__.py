"""People behind the bot: operator accounts, the handoff queue, the console."""
