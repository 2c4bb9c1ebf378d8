"""The built-in fixers, one module per documented deployment problem.

Installed as ``paasfix.fixers``. Every public module here is loaded; each defines one or more
:class:`paasfix.fixer.Fixer` subclasses, exactly as a third-party plugin would.
"""
