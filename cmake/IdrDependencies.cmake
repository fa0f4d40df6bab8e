# Locate every external dependency; stop with the Debian package to install.
find_package(PkgConfig QUIET)

macro(idr_require found what pkg)
  if(NOT ${found})
    message(FATAL_ERROR "iondrift: ${what} not found. Install the Debian package "
      "'${pkg}' (or run scripts/install-deps.sh as root).")
  endif()
endmacro()

# SUNDIALS: IDA, serial N_Vector, sparse matrix, KLU linear solver.
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
add_library(idr_sundials INTERFACE)
target_include_directories(idr_sundials INTERFACE ${SUNDIALS_INCLUDE_DIR})
target_link_libraries(idr_sundials INTERFACE ${SUNDIALS_IDA_LIB}
  ${SUNDIALS_SUNLSKLU_LIB} ${SUNDIALS_SUNMATSPARSE_LIB} ${SUNDIALS_NVECSERIAL_LIB})

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
