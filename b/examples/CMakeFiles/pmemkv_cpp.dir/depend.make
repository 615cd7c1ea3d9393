# Empty dependencies file for pmemkv_cpp.
# This may be replaced when dependencies are built.
