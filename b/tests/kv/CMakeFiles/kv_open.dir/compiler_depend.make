# Empty compiler generated dependencies file for kv_open.
# This may be replaced when dependencies are built.
