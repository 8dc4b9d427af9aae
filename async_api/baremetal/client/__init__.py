"""A client of the reference service's nodes, on async_api.TaskClient."""
