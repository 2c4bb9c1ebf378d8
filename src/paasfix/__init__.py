"""paasfix: find and fix why an application fails to build or deploy on BlueKing PaaS."""

__version__ = "0.1.0"
