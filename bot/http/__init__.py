"""HTTP plumbing every surface shares: the error tree and its one JSON handler."""
