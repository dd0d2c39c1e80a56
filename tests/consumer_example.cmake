# Run by ctest (test consumer_example) as
#   cmake -DBINARY_DIR=<gatkit build> -DSOURCE_DIR=<gatkit source> [-DCONFIG=Release] [-DGENERATOR=...]
#         [-DCXX_COMPILER=...] [-DDATA=<folder>] [-DEPOCHS=5] -P consumer_example.cmake
# 1. installs the build into BINARY_DIR/consumer-install;
# 2. configures SOURCE_DIR/examples/consumer against that prefix only, into BINARY_DIR/consumer-build;
# 3. builds it; 4. runs it on DATA for EPOCHS epochs and checks that it reports a test accuracy;
# 5. runs gatkit_molecules (train, save, load, predict) on tests/data/chem/labelled/labelled.sdf.
cmake_minimum_required(VERSION 3.22)

foreach(var BINARY_DIR SOURCE_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "consumer_example: -D${var}=... is required")
  endif()
endforeach()
if(NOT CONFIG)
  set(CONFIG Release)
endif()
if(NOT DATA)
  set(DATA ${SOURCE_DIR}/datasets/cora)
endif()
if(NOT EPOCHS)
  set(EPOCHS 5)
endif()

set(prefix ${BINARY_DIR}/consumer-install)
set(build ${BINARY_DIR}/consumer-build)
# Start from scratch: a stale prefix or cache could hide a broken install.
file(REMOVE_RECURSE ${prefix} ${build})

function(step name)
  message(STATUS "consumer_example: ${name}: ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer_example: ${name} failed (${rc})\n${out}\n${err}")
  endif()
  set(step_output "${out}${err}" PARENT_SCOPE)
endfunction()

step(install ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix} --config ${CONFIG})
if(NOT EXISTS ${prefix}/lib/cmake/gatkit/gatkitConfig.cmake
   AND NOT EXISTS ${prefix}/lib64/cmake/gatkit/gatkitConfig.cmake)
  file(GLOB_RECURSE found ${prefix}/*gatkitConfig.cmake)
  if(NOT found)
    message(FATAL_ERROR "consumer_example: no gatkitConfig.cmake under ${prefix}")
  endif()
endif()

set(configure_args -S ${SOURCE_DIR}/examples/consumer -B ${build}
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_BUILD_TYPE=${CONFIG}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(GENERATOR)
  list(APPEND configure_args -G ${GENERATOR})
endif()
if(CXX_COMPILER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
step(configure ${CMAKE_COMMAND} ${configure_args})

# The package must have come from the prefix, not from gatkit's build or source tree.
file(STRINGS ${build}/CMakeCache.txt gatkit_dir REGEX "^gatkit_DIR:")
string(REGEX REPLACE "^gatkit_DIR:[A-Z]+=" "" gatkit_dir "${gatkit_dir}")
file(REAL_PATH "${prefix}" real_prefix)
file(REAL_PATH "${gatkit_dir}" real_gatkit_dir)
string(FIND "${real_gatkit_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "consumer_example: gatkit was found at '${gatkit_dir}', not under ${prefix}")
endif()

step(build ${CMAKE_COMMAND} --build ${build} --config ${CONFIG})

if(EXISTS ${build}/gatkit_consumer)
  set(program ${build}/gatkit_consumer)
elseif(EXISTS ${build}/${CONFIG}/gatkit_consumer)
  set(program ${build}/${CONFIG}/gatkit_consumer)
else()
  file(GLOB_RECURSE program ${build}/gatkit_consumer ${build}/gatkit_consumer.exe)
  if(NOT program)
    message(FATAL_ERROR "consumer_example: the build produced no gatkit_consumer in ${build}")
  endif()
  list(GET program 0 program)
endif()

step(run ${program} ${DATA} ${EPOCHS})
message(STATUS "${step_output}")
if(NOT step_output MATCHES "test accuracy [0-9]")
  message(FATAL_ERROR "consumer_example: the program did not report a test accuracy:\n${step_output}")
endif()

# The molecule example: trains, saves, loads and predicts through the installed headers.
get_filename_component(molecules_program ${program} DIRECTORY)
set(molecules_program ${molecules_program}/gatkit_molecules)
step(molecules ${molecules_program} ${SOURCE_DIR}/tests/data/chem/labelled/labelled.sdf active ${build}/labelled.gk)
message(STATUS "${step_output}")
if(NOT step_output MATCHES "predicted 40 molecules; mol01: P\\(active = 1\\) = 0\\.[0-9]+")
  message(FATAL_ERROR "consumer_example: gatkit_molecules did not report its predictions:\n${step_output}")
endif()
