# Empty dependencies file for kv_open_cmap.
# This may be replaced when dependencies are built.
