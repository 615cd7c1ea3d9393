# Empty dependencies file for kv_compile_c.
# This may be replaced when dependencies are built.
