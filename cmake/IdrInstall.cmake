# The library for users and its installation (docs/api.md, README "Install"):
#   libiondrift.so (shared, exports only the public API of api/iondrift.h)
#   and libiondrift.a (static), both made of every module's objects;
#   `cmake --install` / `make install PREFIX=...` installs the executable,
#   the headers (iondrift.h, idr_core.h) under include/iondrift, both
#   libraries, iondrift.pc, a CMake package config (iondrift::iondrift,
#   iondrift::iondrift_static), the material data, the examples and the plot
#   tools under share/iondrift, and the Python package.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(IDR_LIB_MODULES core config materials physics solver protocols analysis io api studies sweep fit)
set(idr_objects "")
foreach(m ${IDR_LIB_MODULES})
  list(APPEND idr_objects $<TARGET_OBJECTS:idr_${m}>)
endforeach()

# What the modules link against, as plain library files and flags, so that
# the exported targets and iondrift.pc need none of this build's targets.
set(IDR_EXTERNAL_LIBS ${IDR_SUNDIALS_LIBS} ${KLU_LIB} ${AMD_LIB} ${COLAMD_LIB} ${BTF_LIB}
    ${SSCONFIG_LIB} ${HDF5_LINK_LIBRARIES} ${YAML_LINK_LIBRARIES} ${GSL_LINK_LIBRARIES}
    ${OpenMP_C_LIBRARIES} ${CMAKE_THREAD_LIBS_INIT} ${CMAKE_DL_LIBS} ${MATH_LIB})
if(IDR_HAVE_MVEC_EXPM1)
  list(APPEND IDR_EXTERNAL_LIBS mvec)
endif()
if(IDR_HAVE_MPI) # the sweep over ranks (sweep/mpi.c)
  list(APPEND IDR_EXTERNAL_LIBS ${MPI_C_LIBRARIES})
endif()
list(REMOVE_DUPLICATES IDR_EXTERNAL_LIBS)

add_library(iondrift_shared SHARED ${idr_objects})
add_library(iondrift_static STATIC ${idr_objects})
foreach(t iondrift_shared iondrift_static)
  set_target_properties(${t} PROPERTIES OUTPUT_NAME iondrift
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib
    ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib)
  target_include_directories(${t} INTERFACE
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/api> $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/core>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/iondrift>)
  idr_target_defaults(${t})
endforeach()
target_link_libraries(iondrift_shared PRIVATE ${IDR_EXTERNAL_LIBS} ${OpenMP_C_FLAGS})
target_link_libraries(iondrift_static INTERFACE ${IDR_EXTERNAL_LIBS} ${OpenMP_C_FLAGS})
set(idr_map ${CMAKE_SOURCE_DIR}/api/libiondrift.map)
set_target_properties(iondrift_shared PROPERTIES VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR} LINK_DEPENDS ${idr_map})
target_link_options(iondrift_shared PRIVATE "LINKER:--version-script=${idr_map}")

# ---- installation --------------------------------------------------------
install(TARGETS iondrift RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS iondrift_shared iondrift_static EXPORT iondriftTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${CMAKE_SOURCE_DIR}/api/iondrift.h ${CMAKE_SOURCE_DIR}/core/idr_core.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/iondrift)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/materials/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/iondrift/materials)
install(FILES ${CMAKE_SOURCE_DIR}/examples/fapbi3_pin.yaml ${CMAKE_SOURCE_DIR}/examples/xiang2026.yaml
  ${CMAKE_SOURCE_DIR}/examples/xiang2026_tas.yaml ${CMAKE_SOURCE_DIR}/examples/xiang2026_light.yaml
  ${CMAKE_SOURCE_DIR}/examples/run_deck.c ${CMAKE_SOURCE_DIR}/examples/README.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/iondrift/examples)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/tools/ DESTINATION ${CMAKE_INSTALL_DATADIR}/iondrift/tools
  USE_SOURCE_PERMISSIONS PATTERN "__pycache__" EXCLUDE)

# pkg-config: relocatable (prefix from the file's own place)
file(RELATIVE_PATH idr_pc_to_prefix ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" idr_pc_to_prefix "${idr_pc_to_prefix}")
# HDF5, libyaml and GSL have pkg-config files of their own; the rest are -l
set(IDR_PC_LIBS_PRIVATE "")
set(idr_pc_libs ${IDR_EXTERNAL_LIBS})
foreach(l ${HDF5_LINK_LIBRARIES} ${YAML_LINK_LIBRARIES} ${GSL_LINK_LIBRARIES})
  list(REMOVE_ITEM idr_pc_libs ${l})
endforeach()
foreach(l ${idr_pc_libs})
  if(l MATCHES "^/.*/lib([^/]+)\\.(so|a)(\\..*)?$")
    string(APPEND IDR_PC_LIBS_PRIVATE " -l${CMAKE_MATCH_1}")
  elseif(l MATCHES "^-")
    string(APPEND IDR_PC_LIBS_PRIVATE " ${l}")
  elseif(NOT l STREQUAL "")
    string(APPEND IDR_PC_LIBS_PRIVATE " -l${l}")
  endif()
endforeach()
string(APPEND IDR_PC_LIBS_PRIVATE " ${OpenMP_C_FLAGS}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/iondrift.pc.in ${CMAKE_BINARY_DIR}/iondrift.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/iondrift.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CMake package config: find_package(iondrift) -> iondrift::iondrift(_static)
set(idr_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/iondrift)
install(EXPORT iondriftTargets NAMESPACE iondrift:: DESTINATION ${idr_cmake_dir})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/iondriftConfig.cmake.in
  ${CMAKE_BINARY_DIR}/iondriftConfig.cmake INSTALL_DESTINATION ${idr_cmake_dir})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/iondriftConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/iondriftConfig.cmake ${CMAKE_BINARY_DIR}/iondriftConfigVersion.cmake
  DESTINATION ${idr_cmake_dir})
