"""The inference server's logic that is not HTTP: the served model and its reloads, API keys
and rate limits, the asynchronous prediction log, and feedback on logged predictions."""
