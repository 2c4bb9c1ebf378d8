"""How BlueKing PaaS reads an application's process definitions: app_desc.yaml and the Procfile."""
