# Compiler flags shared by every target of the project.
add_library(proteinmd_flags INTERFACE)
target_compile_options(proteinmd_flags INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wno-unused-parameter>)
if(PROTEINMD_WERROR)
  target_compile_options(proteinmd_flags INTERFACE $<$<CXX_COMPILER_ID:GNU,Clang>:-Werror>)
endif()
if(PROTEINMD_NATIVE)
  target_compile_options(proteinmd_flags INTERFACE $<$<CONFIG:Release,RelWithDebInfo>:-march=native>)
endif()
target_compile_options(proteinmd_flags INTERFACE $<$<CONFIG:Release>:-O3>)
