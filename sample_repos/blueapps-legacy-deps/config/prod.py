from config.default import *  # noqa: F401,F403

DEBUG = False
