"""matrix.yaml turned into frozen cells: the model, reading and validating the file, rule resolution, version gates."""
