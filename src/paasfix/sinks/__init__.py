"""The last step of a run: report, unified diff, in-place write, or a commit on a branch.

Sinks take a :class:`paasfix.runner.Result` and know nothing about fixers.
"""
