# Empty compiler generated dependencies file for pmemkv_objs.
# This may be replaced when dependencies are built.
