"""File formats read and edited without losing a byte: YAML, Python source, shell commands."""
