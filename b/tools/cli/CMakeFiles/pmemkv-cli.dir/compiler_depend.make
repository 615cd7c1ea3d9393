# Empty compiler generated dependencies file for pmemkv-cli.
# This may be replaced when dependencies are built.
