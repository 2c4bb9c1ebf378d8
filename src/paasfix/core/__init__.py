"""What everything else stands on: trees of repository files, text decoding, errors, configuration."""
