# Empty compiler generated dependencies file for kv_config.
# This may be replaced when dependencies are built.
