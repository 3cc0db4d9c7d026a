pytest_plugins = ("supportmatrix.plugin",)
