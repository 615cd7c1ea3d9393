# Empty dependencies file for pmemkv_c.
# This may be replaced when dependencies are built.
