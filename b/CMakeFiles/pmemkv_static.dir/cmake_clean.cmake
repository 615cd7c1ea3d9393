file(REMOVE_RECURSE
  "libpmemkv.a"
  "libpmemkv.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemkv_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
