# Locate every external dependency; stop with the Debian package to install.
find_package(PkgConfig QUIET)

macro(idr_require found what pkg)
  if(NOT ${found})
    message(FATAL_ERROR "iondrift: ${what} not found. Install the Debian package "
      "'${pkg}' (or run scripts/install-deps.sh as root).")
  endif()
endmacro()

# SUNDIALS: IDA, serial N_Vector, sparse matrix, KLU linear solver, from
# SUNDIALS' own package config when it is installed (Debian's is), else by
# library and header search. iondrift is written against the SUNDIALS 6 API
# (SUNContext, realtype); another major version stops the configuration.
set(IDR_SUNDIALS_MAJOR 6)
# The file of an imported library target (following one INTERFACE alias).
function(idr_imported_file tgt out)
  get_target_property(type ${tgt} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(next ${tgt} INTERFACE_LINK_LIBRARIES)
    list(GET next 0 tgt)
  endif()
  get_target_property(cfgs ${tgt} IMPORTED_CONFIGURATIONS)
  set(file "")
  foreach(c ${cfgs})
    get_target_property(file ${tgt} IMPORTED_LOCATION_${c})
    if(file)
      break()
    endif()
  endforeach()
  set(${out} ${file} PARENT_SCOPE)
endfunction()

find_package(SUNDIALS CONFIG QUIET)
add_library(idr_sundials INTERFACE)
if(SUNDIALS_FOUND)
  string(REGEX MATCH "^[0-9]+" idr_sun_major "${SUNDIALS_VERSION}")
  if(NOT idr_sun_major EQUAL IDR_SUNDIALS_MAJOR)
    message(FATAL_ERROR "iondrift: SUNDIALS ${SUNDIALS_VERSION} found (${SUNDIALS_DIR}); iondrift "
      "supports SUNDIALS ${IDR_SUNDIALS_MAJOR}.x only (Debian 12: libsundials-dev 6.4). Install it, "
      "or point SUNDIALS_DIR at a ${IDR_SUNDIALS_MAJOR}.x installation.")
  endif()
  set(IDR_SUNDIALS_LIBS "")
  foreach(c ida nvecserial sunmatrixsparse sunlinsolklu)
    if(NOT TARGET SUNDIALS::${c})
      message(FATAL_ERROR "iondrift: SUNDIALS ${SUNDIALS_VERSION} (${SUNDIALS_DIR}) has no "
        "SUNDIALS::${c}: iondrift needs IDA, the serial N_Vector, the sparse matrix and the KLU "
        "linear solver (Debian: libsundials-dev; from source: -DENABLE_KLU=ON)")
    endif()
    target_link_libraries(idr_sundials INTERFACE SUNDIALS::${c})
    idr_imported_file(SUNDIALS::${c} f)
    list(APPEND IDR_SUNDIALS_LIBS ${f})
  endforeach()
  message(STATUS "iondrift: SUNDIALS ${SUNDIALS_VERSION} from its package config (${SUNDIALS_DIR})")
else()
  find_path(SUNDIALS_INCLUDE_DIR ida/ida.h)
  find_library(SUNDIALS_IDA_LIB sundials_ida)
  find_library(SUNDIALS_NVECSERIAL_LIB sundials_nvecserial)
  find_library(SUNDIALS_SUNMATSPARSE_LIB sundials_sunmatrixsparse)
  find_library(SUNDIALS_SUNLSKLU_LIB sundials_sunlinsolklu)
  if(SUNDIALS_INCLUDE_DIR AND SUNDIALS_IDA_LIB AND SUNDIALS_NVECSERIAL_LIB
     AND SUNDIALS_SUNMATSPARSE_LIB AND SUNDIALS_SUNLSKLU_LIB)
    set(SUNDIALS_OK TRUE)
  endif()
  idr_require(SUNDIALS_OK "SUNDIALS (IDA, sparse matrix, KLU linear solver)" libsundials-dev)
  file(STRINGS ${SUNDIALS_INCLUDE_DIR}/sundials/sundials_config.h idr_sun_line
       REGEX "#define SUNDIALS_VERSION_MAJOR")
  string(REGEX MATCH "[0-9]+" idr_sun_major "${idr_sun_line}")
  if(NOT idr_sun_major EQUAL IDR_SUNDIALS_MAJOR)
    message(FATAL_ERROR "iondrift: SUNDIALS major version '${idr_sun_major}' found "
      "(${SUNDIALS_INCLUDE_DIR}); iondrift supports SUNDIALS ${IDR_SUNDIALS_MAJOR}.x only "
      "(Debian 12: libsundials-dev 6.4).")
  endif()
  set(IDR_SUNDIALS_LIBS ${SUNDIALS_IDA_LIB} ${SUNDIALS_SUNLSKLU_LIB} ${SUNDIALS_SUNMATSPARSE_LIB}
      ${SUNDIALS_NVECSERIAL_LIB})
  target_include_directories(idr_sundials INTERFACE ${SUNDIALS_INCLUDE_DIR})
  target_link_libraries(idr_sundials INTERFACE ${IDR_SUNDIALS_LIBS})
endif()

# SuiteSparse KLU (real and complex).
find_path(KLU_INCLUDE_DIR klu.h PATH_SUFFIXES suitesparse)
find_library(KLU_LIB klu)
find_library(AMD_LIB amd)
find_library(COLAMD_LIB colamd)
find_library(BTF_LIB btf)
find_library(SSCONFIG_LIB suitesparseconfig)
if(KLU_INCLUDE_DIR AND KLU_LIB AND AMD_LIB AND COLAMD_LIB AND BTF_LIB)
  set(KLU_OK TRUE)
endif()
idr_require(KLU_OK "SuiteSparse KLU" libsuitesparse-dev)
add_library(idr_klu INTERFACE)
target_include_directories(idr_klu INTERFACE ${KLU_INCLUDE_DIR})
target_link_libraries(idr_klu INTERFACE ${KLU_LIB} ${AMD_LIB} ${COLAMD_LIB} ${BTF_LIB}
  ${SSCONFIG_LIB})

# HDF5 (serial flavour; Debian's default pkg-config name points at MPI).
if(PkgConfig_FOUND)
  pkg_check_modules(HDF5 QUIET IMPORTED_TARGET hdf5-serial)
endif()
idr_require(HDF5_FOUND "HDF5 (serial)" libhdf5-dev)

if(PkgConfig_FOUND)
  pkg_check_modules(YAML QUIET IMPORTED_TARGET yaml-0.1)
  pkg_check_modules(GSL QUIET IMPORTED_TARGET gsl)
  pkg_check_modules(CMOCKA QUIET IMPORTED_TARGET cmocka)
endif()
idr_require(YAML_FOUND "libyaml" libyaml-dev)
idr_require(GSL_FOUND "GSL" libgsl-dev)
if(IDR_BUILD_TESTS)
  idr_require(CMOCKA_FOUND "cmocka" libcmocka-dev)
endif()

find_package(OpenMP COMPONENTS C)
idr_require(OpenMP_C_FOUND "OpenMP (compiler support)" gcc)

find_library(MATH_LIB m)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

# Open MPI (optional): `iondrift sweep` under mpirun spreads points over
# ranks. Without it (or with -DIDR_WITH_MPI=OFF) the build is serial and
# the same code runs as one rank (sweep/mpi_stub.c).
option(IDR_WITH_MPI "Use MPI for parameter sweeps when it is found" ON)
set(IDR_HAVE_MPI OFF)
if(IDR_WITH_MPI)
  find_package(MPI COMPONENTS C QUIET)
  if(MPI_C_FOUND)
    set(IDR_HAVE_MPI ON)
    set(IDR_MPIEXEC ${MPIEXEC_EXECUTABLE})
    message(STATUS "iondrift: MPI ${MPI_C_VERSION} found: sweeps over ranks (${IDR_MPIEXEC})")
  else()
    message(STATUS "iondrift: no MPI (Debian: libopenmpi-dev openmpi-bin): sweeps on one machine")
  endif()
endif()
