"""Tasks: the record of an accepted operation, and the path that accepts it."""
