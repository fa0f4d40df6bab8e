# Install test: `cmake --install` into a temporary prefix, then from a
# directory outside the source tree and without IONDRIFT_* variables:
#   the installed `iondrift run` on the installed example deck,
#   the example C program built with `pkg-config --cflags --libs iondrift`,
#   the same built by CMake with find_package(iondrift), shared and static,
#   `import iondrift` from the installed Python package running the deck,
#   the package installed offline by pip (the library found by the loader).
#   cmake -DBUILD=... -DPREFIX=... -DPYDIR=... -DPYTHON=... -P install_check.cmake
foreach(v IONDRIFT_MATERIALS IONDRIFT_EXAMPLES IONDRIFT_TOOLS IONDRIFT_LIBRARY PYTHONPATH)
  unset(ENV{${v}})
endforeach()
file(REMOVE_RECURSE ${PREFIX})
file(MAKE_DIRECTORY ${PREFIX}/work)
set(work ${PREFIX}/work)

function(run_step what)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${work} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_out "${out}" PARENT_SCOPE)
  message(STATUS "${what}: ok")
endfunction()

run_step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX})
file(GLOB_RECURSE so ${PREFIX}/lib*/libiondrift.so)
file(GLOB_RECURSE pc ${PREFIX}/lib*/pkgconfig/iondrift.pc)
file(GLOB_RECURSE cfg ${PREFIX}/lib*/cmake/iondrift/iondriftConfig.cmake)
file(GLOB_RECURSE ar ${PREFIX}/lib*/libiondrift.a)
foreach(f bin/iondrift include/iondrift/iondrift.h include/iondrift/idr_core.h
          share/iondrift/materials/FAPbI3.yaml share/iondrift/materials/composition/FAPbI3-Br.yaml
          share/iondrift/examples/fapbi3_pin.yaml share/iondrift/examples/run_deck.c
          share/iondrift/tools/plot_reproduce.py ${PYDIR}/iondrift/__init__.py)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
  endif()
endforeach()
if(NOT so OR NOT pc OR NOT cfg OR NOT ar)
  message(FATAL_ERROR "missing: libiondrift.so '${so}', .a '${ar}', iondrift.pc '${pc}', config '${cfg}'")
endif()
# every example the README and docs/ name is installed (and every file of
# examples/): the sweep, the Slurm scripts, the lab export, ...
set(exdir ${PREFIX}/share/iondrift/examples)
file(GLOB_RECURSE src_examples RELATIVE ${SRC}/examples ${SRC}/examples/*)
set(named "")
file(GLOB docs ${SRC}/README.md ${SRC}/docs/*.md ${SRC}/examples/README.md)
foreach(doc ${docs})
  file(READ ${doc} text)
  string(REGEX MATCHALL "examples/[A-Za-z0-9_./-]*[A-Za-z0-9_]" refs "${text}")
  foreach(r ${refs})
    string(REGEX REPLACE "^examples/" "" r "${r}")
    list(APPEND named ${r})
  endforeach()
endforeach()
list(REMOVE_DUPLICATES named)
foreach(f ${src_examples} ${named})
  if(NOT EXISTS ${exdir}/${f})
    message(FATAL_ERROR "example not installed: ${exdir}/${f}")
  endif()
endforeach()
foreach(s slurm/sweep_mpi.sbatch slurm/sweep_array.sbatch)
  execute_process(COMMAND sh -c "test -x \"$1\" && sh -n \"$1\"" sh ${exdir}/${s}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "installed ${s} is not an executable shell script (rc ${rc})")
  endif()
endforeach()
get_filename_component(libdir ${so} DIRECTORY)
get_filename_component(pcdir ${pc} DIRECTORY)
set(deck ${PREFIX}/share/iondrift/examples/fapbi3_pin.yaml)
# the installed program loads the installed library (its RUNPATH is
# relative to itself), not one of a build tree or another installation
execute_process(COMMAND ldd ${PREFIX}/bin/iondrift OUTPUT_VARIABLE ldd_out RESULT_VARIABLE rc)
string(REGEX MATCH "libiondrift\\.so[^\n]*=> ([^ \n]*)" line "${ldd_out}")
get_filename_component(loaded "${CMAKE_MATCH_1}" DIRECTORY)
if(NOT rc EQUAL 0 OR NOT loaded)
  message(FATAL_ERROR "ldd ${PREFIX}/bin/iondrift: libiondrift.so not found:\n${ldd_out}")
endif()
get_filename_component(loaded "${loaded}" REALPATH)
get_filename_component(want "${libdir}" REALPATH)
if(NOT loaded STREQUAL want)
  message(FATAL_ERROR "the installed iondrift loads libiondrift.so from ${loaded}, not ${want}")
endif()

# the installed program finds its material data without the source tree:
# a material that exists only in the installed data directory
set(mdir ${PREFIX}/share/iondrift/materials)
file(READ ${mdir}/PTAA.yaml ptaa)
string(REPLACE "name: PTAA" "name: InstalledOnly" ptaa "${ptaa}")
file(WRITE ${mdir}/InstalledOnly.yaml "${ptaa}")
run_step("installed iondrift run" ${PREFIX}/bin/iondrift run ${deck} -o ${work}/cli.h5
         --set mesh.nodes=120 --set layers[0].material=InstalledOnly)
if(NOT step_out MATCHES "built-in potential")
  message(FATAL_ERROR "unexpected summary:\n${step_out}")
endif()

# the installed plot tool (share/iondrift/tools) draws that result
run_step("installed iondrift plot" ${PREFIX}/bin/iondrift plot ${work}/cli.h5 -o ${work}/cli.png)
if(NOT EXISTS ${work}/cli.png)
  message(FATAL_ERROR "installed iondrift plot wrote no figure")
endif()

# the installed sweep example resolves its deck beside it (its plan only),
# the installed lab export is extracted as docs/cli.md shows
run_step("installed iondrift sweep --check" ${PREFIX}/bin/iondrift sweep ${exdir}/tid_bias_map.yaml
         -o ${work}/map --check)
if(NOT step_out MATCHES "126 points")
  message(FATAL_ERROR "unexpected sweep plan:\n${step_out}")
endif()
run_step("installed iondrift extract" ${PREFIX}/bin/iondrift extract ${exdir}/lab_tid_export.csv
         --eps-r 46.9 --doping-cm3 1e17 --polarity pin)
if(NOT step_out MATCHES "anion +dC/C_inf")
  message(FATAL_ERROR "unexpected extraction:\n${step_out}")
endif()

# a C program built with pkg-config
set(ENV{PKG_CONFIG_PATH} ${pcdir})
execute_process(COMMAND pkg-config --cflags --libs iondrift OUTPUT_VARIABLE flags
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs iondrift failed")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run_step("cc with pkg-config" cc -Wall -Werror ${PREFIX}/share/iondrift/examples/run_deck.c
         ${flags} -o ${work}/run_deck)
set(ENV{LD_LIBRARY_PATH} ${libdir})
run_step("run_deck" ${work}/run_deck ${deck} ${work}/c.h5)
if(NOT step_out MATCHES "transient/J +[0-9]+ x 1 +A/m\\^2")
  message(FATAL_ERROR "run_deck output:\n${step_out}")
endif()

# the README's rpath line: runs without LD_LIBRARY_PATH
unset(ENV{LD_LIBRARY_PATH})
execute_process(COMMAND pkg-config --variable=libdir iondrift OUTPUT_VARIABLE pc_libdir
                OUTPUT_STRIP_TRAILING_WHITESPACE)
run_step("cc with pkg-config and -rpath" cc -Wall -Werror ${PREFIX}/share/iondrift/examples/run_deck.c
         ${flags} -Wl,-rpath,${pc_libdir} -o ${work}/run_deck_rpath)
run_step("run_deck (rpath)" ${work}/run_deck_rpath ${deck})
set(ENV{LD_LIBRARY_PATH} ${libdir})

# the same with CMake's find_package(iondrift)
file(WRITE ${work}/cm/CMakeLists.txt
  "cmake_minimum_required(VERSION 3.18)\nproject(use_iondrift C)\n"
  "find_package(iondrift 0.1 REQUIRED)\nadd_executable(run_deck ${PREFIX}/share/iondrift/examples/run_deck.c)\n"
  "target_link_libraries(run_deck PRIVATE iondrift::iondrift)\n"
  "add_executable(run_deck_static ${PREFIX}/share/iondrift/examples/run_deck.c)\n"
  "target_link_libraries(run_deck_static PRIVATE iondrift::iondrift_static)\n")
run_step("find_package(iondrift)" ${CMAKE_COMMAND} -S ${work}/cm -B ${work}/cm/b
         -DCMAKE_PREFIX_PATH=${PREFIX})
run_step("build with iondrift::iondrift" ${CMAKE_COMMAND} --build ${work}/cm/b)
run_step("run the CMake-built program" ${work}/cm/b/run_deck ${deck})
run_step("run it linked with libiondrift.a" ${work}/cm/b/run_deck_static ${deck})

# import iondrift from the installed location
unset(ENV{LD_LIBRARY_PATH})
set(ENV{PYTHONPATH} ${PREFIX}/${PYDIR})
file(WRITE ${work}/use.py
  "import sys\n"
  "import iondrift\n"
  "assert iondrift.__file__.startswith(sys.argv[2]), iondrift.__file__\n"
  "assert iondrift._lib.lib._name.startswith(sys.argv[2]), iondrift._lib.lib._name\n"
  "import ctypes\n"
  "iondrift._lib.lib.idr_data_dir.restype = ctypes.c_char_p\n"
  "d = iondrift._lib.lib.idr_data_dir(b'materials').decode()\n"
  "assert d.startswith(sys.argv[2]), d\n"
  "r = iondrift.run(sys.argv[1])\n"
  "print(r.units('transient/J'), r['transient/J'].shape)\n")
run_step("import iondrift (installed)" ${PYTHON} ${work}/use.py ${deck} ${PREFIX})
if(NOT step_out MATCHES "A/m\\^2")
  message(FATAL_ERROR "python output:\n${step_out}")
endif()

# the same package installed offline by Debian's pip, the library by the loader
# (from a copy: the build writes beside the sources)
file(COPY ${SRC}/python/iondrift ${SRC}/python/pyproject.toml DESTINATION ${work}/pysrc
     PATTERN "__pycache__" EXCLUDE)
run_step("pip install (offline)" ${PYTHON} -m pip install -q --no-build-isolation --no-deps
         --no-index --target ${work}/pip ${work}/pysrc)
set(ENV{PYTHONPATH} ${work}/pip)
set(ENV{LD_LIBRARY_PATH} ${libdir})
file(WRITE ${work}/use_pip.py
  "import sys\n"
  "import iondrift\n"
  "assert iondrift.__file__.startswith(sys.argv[2]), iondrift.__file__\n"
  "print(iondrift.run(sys.argv[1]).units('transient/J'))\n")
run_step("import iondrift (pip)" ${PYTHON} ${work}/use_pip.py ${deck} ${work}/pip)
if(NOT step_out MATCHES "A/m\\^2")
  message(FATAL_ERROR "python (pip) output:\n${step_out}")
endif()
file(REMOVE_RECURSE ${PREFIX})
