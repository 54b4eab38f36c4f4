"""End to end: the product as real processes and servers (``perimeter serve``, ``perimeter
telegram``, the sandbox ABS), driven over HTTP and WebSocket, through the Telegram Bot API
double, and in headless Chromium."""
