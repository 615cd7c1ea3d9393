file(REMOVE_RECURSE
  "CMakeFiles/test_cpp_classic_example.dir/classic_example.cpp.o"
  "CMakeFiles/test_cpp_classic_example.dir/classic_example.cpp.o.d"
  "test_cpp_classic_example"
  "test_cpp_classic_example.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/test_cpp_classic_example.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
