"""Settings entry point: the environment the PaaS deploys to picks the module."""
import os

ENVIRONMENT = os.environ.get("BKPAAS_ENVIRONMENT", "dev")

if ENVIRONMENT == "prod":
    from config.prod import *  # noqa: F401,F403
else:
    from config.default import *  # noqa: F401,F403
