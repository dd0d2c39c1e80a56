# Run by ctest (tests cli_embed_*) as
#   cmake -DCLI=<gatkit program> -DMODE=molecules|nodes -DDATA=<folder> -DWORK_DIR=<dir> -P cli_embed.cmake
# gatkit embed, end to end:
#   molecules (DATA = tests/data/chem/labelled): CSV header and widths (--embedding readout and head);
#     .npy size; a broken middle record fails naming it, or under --on-error skip keeps its row (empty in
#     CSV, NaN in .npy) while records 1 and 3 get exactly the rows of the file without it; ensembles embed
#     one member (--member K); options of the other kind refused;
#   nodes (DATA = datasets/social/karate/manifest.json): one row per node with its id, .npy size;
#     --nodes FILE|test (predict's too): the selected rows, in order, as in the full output; bad lists,
#     a one-layer model and molecule-only options refused.
cmake_minimum_required(VERSION 3.22)

set(CLI_TEST cli_embed)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

# "PREFIX,emb_0,...,emb_{width-1}" as the header of WIDTH columns.
function(embedding_header prefix width var)
  set(header "${prefix}")
  math(EXPR last "${width} - 1")
  foreach(j RANGE ${last})
    string(APPEND header ",emb_${j}")
  endforeach()
  set(${var} "${header}" PARENT_SCOPE)
endfunction()

# A float32 .npy of ROWS x COLS written by gatkit: a 128-byte header (numpy's padding to 64 bytes) and the values.
function(expect_npy file rows cols)
  file(SIZE ${file} size)
  math(EXPR want "128 + ${rows} * ${cols} * 4")
  expect_equal("${size}" "${want}" "size of ${file} (${rows} x ${cols} float32)")
  file(READ ${file} magic LIMIT 6 HEX)
  expect_equal("${magic}" "934e554d5059" "magic of ${file}")
endfunction()

if(MODE STREQUAL "molecules")
  run(0 train --data ${DATA}/labelled.sdf --target active --epochs 5 --runs 1 --batch-size 8 --head-layers 1
      --head-hidden 6 --save ${dir}/active.gk --quiet)
  # The pooled readout (default): 3 layers' default width 4 heads x 64, mean readout.
  run(0 embed --model ${dir}/active.gk --data ${DATA}/labelled.sdf --out ${dir}/all.csv)
  expect_match("${err}" "embedded 40 of 40 records \\(256 columns, readout\\)" "summary line")
  expect_lines(${dir}/all.csv 41 all)
  list(GET all 0 header)
  embedding_header("record,name" 256 want)
  expect_equal("${header}" "${want}" "header")
  list(GET all 1 first)
  expect_match("${first}" "^1,mol01(,-?[0-9][0-9.e+-]*)+$" "first row")
  string(REGEX MATCHALL "," commas "${first}")
  list(LENGTH commas n)
  expect_equal("${n}" "257" "separators of a row (record, name and 256 values)")
  # Without --out the CSV goes to standard output, unchanged.
  run(0 embed --model ${dir}/active.gk --data ${DATA}/labelled.sdf)
  file(READ ${dir}/all.csv written)
  expect_equal("${out}" "${written}" "stdout vs --out")
  # The head's hidden layer: --head-hidden 6 columns.
  run(0 embed --model ${dir}/active.gk --data ${DATA}/labelled.sdf --embedding head --out ${dir}/head.csv --quiet)
  expect_equal("${err}" "" "stderr with --quiet")
  expect_lines(${dir}/head.csv 41 head)
  list(GET head 0 header)
  expect_equal("${header}" "record,name,emb_0,emb_1,emb_2,emb_3,emb_4,emb_5" "header of --embedding head")
  # NumPy: float32, one row per record.
  run(0 embed --model ${dir}/active.gk --data ${DATA}/labelled.sdf --out ${dir}/all.npy)
  expect_npy(${dir}/all.npy 40 256)

  # A broken middle record: an error naming it, and no file left behind...
  run(1 embed --model ${dir}/active.gk --data ${DATA}/broken_middle.sdf --out ${dir}/broken.csv)
  expect_match("${err}" "record 2" "error of the broken record")
  if(EXISTS ${dir}/broken.csv)
    message(FATAL_ERROR "cli_embed: a failed embed left ${dir}/broken.csv behind")
  endif()
  # ... and with --on-error skip, its row stays (empty, with the error) and the others are their own.
  run(0 embed --model ${dir}/active.gk --data ${DATA}/middle_removed.sdf --out ${dir}/removed.csv)
  expect_lines(${dir}/removed.csv 3 removed)
  list(GET removed 1 ref1)
  list(GET removed 2 ref2)
  row_fields("${ref1}" ref1)
  row_fields("${ref2}" ref2)
  run(0 embed --model ${dir}/active.gk --data ${DATA}/broken_middle.sdf --on-error skip --out ${dir}/skip.csv)
  expect_match("${err}" "skipped record 2: " "report of the skipped record")
  expect_match("${err}" "embedded 2 of 3 records \\(256 columns, readout\\); skipped 1 of 3 records: 2" "final line")
  expect_lines(${dir}/skip.csv 4 rows)
  list(GET rows 0 header)
  embedding_header("record,name" 256 want)
  expect_equal("${header}" "${want},error" "header with --on-error skip")
  list(GET rows 1 row1)
  list(GET rows 2 row2)
  list(GET rows 3 row3)
  expect_match("${row1}" "^1,mol04," "record 1")
  expect_match("${row2}" "^2,,,,,.*,,.+" "record 2: no values and an error")
  expect_match("${row3}" "^3,mol11," "record 3")
  row_fields("${row1}" got1)
  row_fields("${row3}" got3)
  expect_equal("${got1}" "${ref1}" "record 1 vs the same molecule without the broken record")
  expect_equal("${got3}" "${ref2}" "record 3 vs the same molecule without the broken record")
  # .npy with --on-error skip: 3 rows, the second NaN (quiet NaN 0x7fc00000, little endian).
  run(0 embed --model ${dir}/active.gk --data ${DATA}/broken_middle.sdf --on-error skip --out ${dir}/skip.npy)
  expect_npy(${dir}/skip.npy 3 256)
  file(READ ${dir}/skip.npy nan OFFSET 1152 LIMIT 4 HEX)  # 128 + 256 x 4: the first value of row 2
  expect_equal("${nan}" "0000c07f" "row 2 of skip.npy")
  file(READ ${dir}/skip.npy value OFFSET 128 LIMIT 4 HEX)
  if(value STREQUAL "0000c07f")
    message(FATAL_ERROR "cli_embed: row 1 of skip.npy is NaN")
  endif()

  # An ensemble embeds one member: the first by default (with a note), another with --member K.
  run(0 train --data ${DATA}/labelled.sdf --target active --epochs 3 --runs 1 --batch-size 8 --ensemble 2
      --save ${dir}/ensemble.gk --quiet)
  run(0 embed --model ${dir}/ensemble.gk --data ${DATA}/labelled.sdf --out ${dir}/m_default.csv)
  expect_match("${err}" "ensemble of 2; these are the embeddings of member 1" "ensemble note")
  run(0 embed --model ${dir}/ensemble.gk --data ${DATA}/labelled.sdf --member 1 --out ${dir}/m1.csv)
  run(0 embed --model ${dir}/ensemble.gk --data ${DATA}/labelled.sdf --member 2 --out ${dir}/m2.csv)
  file(READ ${dir}/m_default.csv m_default)
  file(READ ${dir}/m1.csv m1)
  file(READ ${dir}/m2.csv m2)
  expect_equal("${m_default}" "${m1}" "the default member vs --member 1")
  if(m1 STREQUAL m2)
    message(FATAL_ERROR "cli_embed: members 1 and 2 give the same embeddings")
  endif()
  run_match(2 "--member 3: the model has 2 members" embed --model ${dir}/ensemble.gk --data ${DATA}/labelled.sdf --member 3)
  # Usage errors.
  run_match(2 "--nodes applies to node data, not to molecule files" embed --model ${dir}/active.gk --data ${DATA}/labelled.sdf --nodes test)
  run_match(2 "--split applies to node data, not to molecule files" embed --model ${dir}/active.gk --data ${DATA}/labelled.sdf --split 0.5,0.25,0.25)
  run_match(2 "unknown embedding 'pooled'" embed --model ${dir}/active.gk --data ${DATA}/labelled.sdf --embedding pooled)
  run_match(1 "cannot open checkpoint" embed --model ${dir}/missing.gk --data ${DATA}/labelled.sdf)
elseif(MODE STREQUAL "nodes")
  run(0 train --data ${DATA} --epochs 20 --save ${dir}/karate.gk --quiet)
  run(0 embed --model ${dir}/karate.gk --data ${DATA} --out ${dir}/karate.csv --quiet)
  expect_lines(${dir}/karate.csv 35 rows)
  list(GET rows 0 header)
  embedding_header("node_id" 64 want)  # the hidden layer: 8 heads x 8
  expect_equal("${header}" "${want}" "header")
  run(0 predict --model ${dir}/karate.gk --data ${DATA} --out ${dir}/predict.csv --quiet)
  expect_lines(${dir}/predict.csv 35 predicted)
  foreach(k 1 34)  # rows follow the nodes, named by their ids, as predict's
    list(GET rows ${k} row)
    list(GET predicted ${k} prediction)
    string(REGEX MATCH "^[^,]+" id "${row}")
    string(REGEX MATCH "^[^,]+" want_id "${prediction}")
    expect_equal("${id}" "${want_id}" "node id of row ${k}")
  endforeach()
  run(0 embed --model ${dir}/karate.gk --data ${DATA} --out ${dir}/karate.npy --quiet)
  expect_npy(${dir}/karate.npy 34 64)
  # --nodes FILE: the rows of the listed ids, in the file's order, each as in the full output (predict's
  # too); --nodes test: the 32 test members (--nodes unlabelled: cli_graphs).
  file(WRITE ${dir}/some.txt "# picked\n8\n\n 3 \n33\n")
  run_match(0 "embedded 3 of 34 nodes" embed --model ${dir}/karate.gk --data ${DATA} --nodes ${dir}/some.txt --out ${dir}/some.csv)
  run(0 predict --model ${dir}/karate.gk --data ${DATA} --nodes ${dir}/some.txt --out ${dir}/some_predict.csv --quiet)
  expect_lines(${dir}/some.csv 4 some_rows)
  expect_lines(${dir}/some_predict.csv 4 some_predicted)
  set(k 0)
  foreach(id 8 3 33)
    math(EXPR k "${k} + 1")
    list(GET some_rows ${k} row)
    expect_match("${row}" "^${id}," "--nodes row ${k}")
    list(FIND rows "${row}" found)
    if(found LESS 1)
      message(FATAL_ERROR "cli_embed: --nodes row ${k} is not the full output's row of node ${id}:\n${row}")
    endif()
    list(GET some_predicted ${k} row)
    list(FIND predicted "${row}" found)
    if(found LESS 1 OR NOT row MATCHES "^${id},")
      message(FATAL_ERROR "cli_embed: predict --nodes row ${k} is not the full output's row of node ${id}:\n${row}")
    endif()
  endforeach()
  run(0 embed --model ${dir}/karate.gk --data ${DATA} --nodes ${dir}/some.txt --out ${dir}/some.npy --quiet)
  expect_npy(${dir}/some.npy 3 64)
  run(0 embed --model ${dir}/karate.gk --data ${DATA} --nodes test --out ${dir}/test.csv --quiet)
  expect_lines(${dir}/test.csv 33 test_rows)
  # An id not in the data, an id listed twice, a missing file: errors naming what is wrong.
  file(WRITE ${dir}/unknown.txt "8\n34\n")
  run_match(1 "unknown.txt:2: node id '34' is not a node of the data set" predict --model ${dir}/karate.gk --data ${DATA}
            --nodes ${dir}/unknown.txt)
  file(WRITE ${dir}/twice.txt "8\n3\n8\n")
  run_match(1 "twice.txt:3: node '8' is listed twice \\(first on line 1\\)" embed --model ${dir}/karate.gk --data ${DATA}
            --nodes ${dir}/twice.txt)
  run_match(2 "--nodes 'tset': expected train, val, test, unlabelled or a file of node ids" embed --model ${dir}/karate.gk
            --data ${DATA} --nodes tset)
  # A one-layer model has no hidden representation; molecule options are refused.
  run(0 train --data ${DATA} --epochs 5 --layers 1 --save ${dir}/one.gk --quiet)
  run_match(2 "one attention layer, so no hidden representation" embed --model ${dir}/one.gk --data ${DATA})
  run_match(2 "apply to molecule models" embed --model ${dir}/karate.gk --data ${DATA} --member 2)
  # Data of the other kind is refused before anything is written, naming both.
  run_match(2 "karate.gk holds a node classifier; .*labelled.sdf is a molecule file: give a node data folder or manifest"
            embed --model ${dir}/karate.gk --data ${CMAKE_CURRENT_LIST_DIR}/data/chem/labelled/labelled.sdf)
  expect_equal("${out}" "" "nothing on standard output")
else()
  message(FATAL_ERROR "cli_embed: unknown MODE '${MODE}'")
endif()
