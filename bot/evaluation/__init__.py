"""``perimeter eval``: run fixed cases through the real engine and score the replies."""
