from inventory.app import app as application
