# Empty dependencies file for pmemkv_python.
# This may be replaced when dependencies are built.
