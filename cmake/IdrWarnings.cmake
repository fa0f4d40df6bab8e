# Compiler warnings and the sanitizer configuration, applied per target.
include(CheckCCompilerFlag)
set(IDR_WARNING_FLAGS "")
foreach(flag -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion
             -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith
             -Wformat=2 -Wundef)
  string(MAKE_C_IDENTIFIER "HAS${flag}" var)
  check_c_compiler_flag(${flag} ${var})
  if(${var})
    list(APPEND IDR_WARNING_FLAGS ${flag})
  endif()
endforeach()

set(IDR_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)

# idr_target_defaults(target): warnings and, when enabled, sanitizers.
function(idr_target_defaults tgt)
  target_compile_options(${tgt} PRIVATE ${IDR_WARNING_FLAGS})
  if(IDR_SANITIZE)
    target_compile_options(${tgt} PRIVATE ${IDR_SANITIZE_FLAGS})
    target_link_options(${tgt} PRIVATE ${IDR_SANITIZE_FLAGS})
  endif()
endfunction()

# idr_add_module(name SOURCES ... DEPS ...): one library per module directory,
# whose public header lives in that directory.
function(idr_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(idr_${name} STATIC ${M_SOURCES})
  # position-independent: the objects also make up the shared libiondrift
  set_target_properties(idr_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(idr_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(idr_${name} PUBLIC ${M_DEPS})
  idr_target_defaults(idr_${name})
  if(IDR_SANITIZE)
    target_link_options(idr_${name} INTERFACE ${IDR_SANITIZE_FLAGS})
  endif()
endfunction()
