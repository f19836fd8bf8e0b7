# Mote for CMake firmware builds: one call compiles an ONNX model at build time
# into a static library with its header.
#
#   include(<mote>/cmake/Mote.cmake)      # or, after cmake --install: find_package(Mote)
#   mote_add_model(<target> MODEL <file.onnx>
#                  [NAME <symbol>]                  # C prefix; default: <target> as a C identifier
#                  [QUANTIZE int8 CALIBRATE <dir or file>...]   # or:
#                  [QUANTIZE int8 RANGES <file>]    # what `mote calibrate --json` wrote
#                  [PART <part>]                    # refuse a model that does not fit (see `mote targets`)
#                  [OPTIONS <mote compile option>...])
#   target_link_libraries(firmware PRIVATE <target>)
#
# The model is compiled when the .onnx, a calibration file, the ranges file, the
# options or the mote binary change. MOTE_EXECUTABLE names the binary (default: build/mote of the
# checkout this file is in). docs/integration.md has the details.
include_guard(GLOBAL)

set(_MOTE_ROOT "${CMAKE_CURRENT_LIST_DIR}/..")
set(MOTE_EXECUTABLE "${_MOTE_ROOT}/build/mote" CACHE FILEPATH "the mote compiler")

function(mote_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 M "" "MODEL;NAME;QUANTIZE;PART;RANGES" "CALIBRATE;OPTIONS")
  if(M_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "mote_add_model(${target}): unknown arguments: ${M_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT M_MODEL)
    message(FATAL_ERROR "mote_add_model(${target}): MODEL <file.onnx> is required")
  endif()
  if(M_QUANTIZE AND NOT M_CALIBRATE AND NOT M_RANGES)
    message(FATAL_ERROR "mote_add_model(${target}): QUANTIZE ${M_QUANTIZE} needs CALIBRATE <representative inputs> "
                        "or RANGES <file from mote calibrate --json>")
  endif()
  if(M_CALIBRATE AND M_RANGES)
    message(FATAL_ERROR "mote_add_model(${target}): CALIBRATE and RANGES both give the ranges: pass one")
  endif()
  if((M_CALIBRATE OR M_RANGES) AND NOT M_QUANTIZE)
    message(FATAL_ERROR "mote_add_model(${target}): CALIBRATE and RANGES are for QUANTIZE int8")
  endif()
  get_filename_component(model "${M_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(IS_DIRECTORY "${model}")
    set(model "${model}/model.onnx")
  endif()
  if(NOT EXISTS "${model}")
    message(FATAL_ERROR "mote_add_model(${target}): no such model file: ${model}")
  endif()
  if(M_NAME)
    set(symbol "${M_NAME}")
  else()
    string(MAKE_C_IDENTIFIER "${target}" symbol)
  endif()

  set(out "${CMAKE_CURRENT_BINARY_DIR}/mote/${target}")
  set(args compile "${model}" -o "${out}" --name "${symbol}")
  set(deps "${model}")
  if(M_PART)
    list(APPEND args --target "${M_PART}")
  endif()
  if(M_QUANTIZE)
    list(APPEND args --quantize "${M_QUANTIZE}")
    foreach(c IN LISTS M_CALIBRATE)
      get_filename_component(c "${c}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      list(APPEND args --calibrate "${c}")
      if(IS_DIRECTORY "${c}")
        # Re-globbed at every build, so a sample added to the folder re-runs the compile.
        file(GLOB_RECURSE samples CONFIGURE_DEPENDS "${c}/*")
        list(APPEND deps ${samples})
      else()
        list(APPEND deps "${c}")
      endif()
    endforeach()
    if(M_RANGES)
      get_filename_component(r "${M_RANGES}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      list(APPEND args --ranges "${r}")
      list(APPEND deps "${r}")
    endif()
  endif()
  list(APPEND args ${M_OPTIONS})

  # The command line as a file that changes only when it does: a new option
  # re-runs the compile under every generator, not only those that track commands.
  string(REPLACE ";" "\n" options_text "${args}")
  file(CONFIGURE OUTPUT "${out}.options" CONTENT "${options_text}\n" @ONLY)

  set(files "${out}/${symbol}.h" "${out}/${symbol}.cpp" "${out}/${symbol}_weights.cpp")
  add_custom_command(
    OUTPUT ${files}
    # A refused compile writes nothing, so stale files must not survive it.
    COMMAND "${CMAKE_COMMAND}" -E rm -rf "${out}"
    COMMAND "${MOTE_EXECUTABLE}" ${args}
    DEPENDS ${deps} "${out}.options" "${MOTE_EXECUTABLE}"
    COMMENT "mote: compiling ${M_MODEL} into ${symbol}.h, ${symbol}.cpp, ${symbol}_weights.cpp"
    VERBATIM)
  add_library(${target} STATIC ${files})
  target_include_directories(${target} PUBLIC "${out}")
  set_target_properties(${target} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
                                             LINKER_LANGUAGE CXX)
endfunction()
