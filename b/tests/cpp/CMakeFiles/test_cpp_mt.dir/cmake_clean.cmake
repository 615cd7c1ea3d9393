file(REMOVE_RECURSE
  "CMakeFiles/test_cpp_mt.dir/test_cpp_mt.cpp.o"
  "CMakeFiles/test_cpp_mt.dir/test_cpp_mt.cpp.o.d"
  "test_cpp_mt"
  "test_cpp_mt.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/test_cpp_mt.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
