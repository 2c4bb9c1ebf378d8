"""How the Python buildpack builds an application: runtimes, dependency files, hooks, the Aptfile."""
