"""What the tests share: servers started as processes, the console client, protocol doubles."""
