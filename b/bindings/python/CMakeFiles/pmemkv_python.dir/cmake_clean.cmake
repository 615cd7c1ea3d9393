file(REMOVE_RECURSE
  "CMakeFiles/pmemkv_python.dir/pmemkv_module.c.o"
  "CMakeFiles/pmemkv_python.dir/pmemkv_module.c.o.d"
  "pmemkv.cpython-311-x86_64-linux-gnu.so"
  "pmemkv.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemkv_python.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
