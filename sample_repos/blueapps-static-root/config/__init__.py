# -*- coding: utf-8 -*-
import os

APP_CODE = os.environ.get("BKPAAS_APP_ID", "asset-board")
SECRET_KEY = os.environ.get("BKPAAS_APP_SECRET", "dev-only-secret")
BK_URL = os.environ.get("BKPAAS_URL", "http://paas.example.com")

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
