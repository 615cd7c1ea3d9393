# Empty dependencies file for kv_engines.
# This may be replaced when dependencies are built.
