# Empty compiler generated dependencies file for kv_compile_cpp.
# This may be replaced when dependencies are built.
