file(REMOVE_RECURSE
  "CMakeFiles/kv_compile_c.dir/compile_only.c.o"
  "CMakeFiles/kv_compile_c.dir/compile_only.c.o.d"
  "kv_compile_c"
  "kv_compile_c.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kv_compile_c.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
