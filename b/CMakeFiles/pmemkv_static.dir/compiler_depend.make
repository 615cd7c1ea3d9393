# Empty compiler generated dependencies file for pmemkv_static.
# This may be replaced when dependencies are built.
