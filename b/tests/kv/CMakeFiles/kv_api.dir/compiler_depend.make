# Empty compiler generated dependencies file for kv_api.
# This may be replaced when dependencies are built.
