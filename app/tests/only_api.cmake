# app.only_api: the command line uses the public API only.
#   cmake -DAPP_DIR=app -DEXE=iondrift -DNM=nm -DREADELF=readelf -P only_api.cmake
# 1. Every file of app/ (not app/tests/) includes, of the project's headers,
#    only iondrift.h and app/'s own headers (app.h, app_data.h, ...).
# 2. The program defines no function of the library (every idr_ symbol it
#    defines is app/'s own idr_app_*): the library is not linked into it.
# 3. The program needs libiondrift.so, which exports the API only
#    (api/libiondrift.map), so a call of an internal function cannot link.
file(GLOB sources "${APP_DIR}/*.c" "${APP_DIR}/*.h")
file(GLOB own RELATIVE "${APP_DIR}" "${APP_DIR}/*.h")
set(bad "")
foreach(f ${sources})
  file(STRINGS "${f}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line ${includes})
    string(REGEX REPLACE "^[^\"]*\"([^\"]*)\".*$" "\\1" h "${line}")
    list(FIND own "${h}" is_own)
    if(NOT h STREQUAL "iondrift.h" AND is_own EQUAL -1)
      get_filename_component(name "${f}" NAME)
      list(APPEND bad "${name} includes \"${h}\"")
    endif()
  endforeach()
endforeach()
if(bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "app/ may include only iondrift.h and its own headers:\n  ${bad}")
endif()

execute_process(COMMAND "${NM}" -g --defined-only "${EXE}" OUTPUT_VARIABLE syms
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${EXE} failed (${rc})")
endif()
string(REGEX MATCHALL "[ \t][A-Za-z][ \t]idr_[A-Za-z0-9_]+" defined "${syms}")
set(lib "")
foreach(s ${defined})
  string(REGEX REPLACE "^.*(idr_[A-Za-z0-9_]+)$" "\\1" s "${s}")
  if(NOT s MATCHES "^idr_app_")
    list(APPEND lib "${s}")
  endif()
endforeach()
if(lib)
  string(REPLACE ";" " " lib "${lib}")
  message(FATAL_ERROR "${EXE} defines library functions (linked in, not from libiondrift.so): "
          "${lib}")
endif()

execute_process(COMMAND "${READELF}" -d "${EXE}" OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT dyn MATCHES "NEEDED[^\n]*libiondrift\\.so")
  message(FATAL_ERROR "${EXE} does not load libiondrift.so:\n${dyn}")
endif()
list(LENGTH sources n)
message("app/: ${n} files include only iondrift.h and app/'s headers; ${EXE} defines no "
        "library function and loads libiondrift.so")
