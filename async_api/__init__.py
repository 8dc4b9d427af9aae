"""async_api: make an OpenStack-style REST API fully asynchronous."""
