file(REMOVE_RECURSE
  "CMakeFiles/pmemkv-cli.dir/common.c.o"
  "CMakeFiles/pmemkv-cli.dir/common.c.o.d"
  "CMakeFiles/pmemkv-cli.dir/count.c.o"
  "CMakeFiles/pmemkv-cli.dir/count.c.o.d"
  "CMakeFiles/pmemkv-cli.dir/create.c.o"
  "CMakeFiles/pmemkv-cli.dir/create.c.o.d"
  "CMakeFiles/pmemkv-cli.dir/get.c.o"
  "CMakeFiles/pmemkv-cli.dir/get.c.o.d"
  "CMakeFiles/pmemkv-cli.dir/info.c.o"
  "CMakeFiles/pmemkv-cli.dir/info.c.o.d"
  "CMakeFiles/pmemkv-cli.dir/list.c.o"
  "CMakeFiles/pmemkv-cli.dir/list.c.o.d"
  "CMakeFiles/pmemkv-cli.dir/main.c.o"
  "CMakeFiles/pmemkv-cli.dir/main.c.o.d"
  "CMakeFiles/pmemkv-cli.dir/put.c.o"
  "CMakeFiles/pmemkv-cli.dir/put.c.o.d"
  "CMakeFiles/pmemkv-cli.dir/remove.c.o"
  "CMakeFiles/pmemkv-cli.dir/remove.c.o.d"
  "pmemkv-cli"
  "pmemkv-cli.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemkv-cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
