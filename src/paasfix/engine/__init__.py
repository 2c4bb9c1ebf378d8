"""The engine: repository trees, configuration, the fixer registry and the runner."""
