"""What each Invoke task does, one module per command group; ``tasks.py`` only parses
options and calls these. Each function returns an exit code or raises PubkitError."""
