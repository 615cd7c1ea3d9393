# Empty compiler generated dependencies file for pmemkv-bench.
# This may be replaced when dependencies are built.
