"""Label models: turn several noisy votes per item into one label with a confidence."""
