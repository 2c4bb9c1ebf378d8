"""Reading build and deploy logs: which fixers a log points to."""
