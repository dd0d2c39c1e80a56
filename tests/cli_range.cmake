# Run by ctest (tests cli_range_*) as
#   cmake -DCLI=<gatkit program> -DMODE=node|molecules -DDATA=<cora folder | labelled.sdf> -DWORK_DIR=<dir>
#         -P cli_range.cmake
# --range and --pe on the command line:
#   node:      train Cora with k-hop:2 and rw:4 for a few epochs, save, predict (the checkpoint names both);
#              full is refused with a message naming the data set and the limit (exit 2); bad values exit 2;
#   molecules: train with full and lap:2, save, predict; a molecule above --max-full-nodes is a bad record
#              naming file and record (exit 1), skipped with --on-error skip, in training and prediction.
cmake_minimum_required(VERSION 3.22)

set(CLI_TEST cli_range)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

if(MODE STREQUAL "node")
  run(0 train --data ${DATA} --range k-hop:2 --pe rw:4 --epochs 3 --threads 2 --quiet --save ${dir}/model.gk
      --summary ${dir}/summary.json)
  expect_match("${out}" "test accuracy [0-9.]+ \\+- 0.00 % over 1 run" "train output")
  file(READ ${dir}/summary.json summary)
  expect_match("${summary}" "\"range\": \"k-hop:2\"" "summary range")
  expect_match("${summary}" "\"positional\": \"rw:4\"" "summary positional")
  file(STRINGS ${dir}/model.gk bytes REGEX "kind")  # the configuration JSON (the file is binary)
  expect_match("${bytes}" "\"range\":\"k-hop:2\"" "checkpoint range")
  expect_match("${bytes}" "\"positional\":\"rw:4\"" "checkpoint positional")
  run(0 predict --model ${dir}/model.gk --data ${DATA} --out ${dir}/predictions.csv)
  expect_lines(${dir}/predictions.csv 2709 lines)
  run(2 train --data ${DATA} --range full --epochs 1 --quiet)
  expect_match("${err}" "cora: range full: graph 0 \\(nodes 0..2707\\) has 2708 nodes, more than the limit of 512" "full refused")
  run(2 train --data ${DATA} --range 2-hop --epochs 1 --quiet)
  expect_match("${err}" "unknown range '2-hop' \\(expected 1-hop, k-hop:K" "bad range")
  run(2 train --data ${DATA} --pe lap --epochs 1 --quiet)
  expect_match("${err}" "unknown positional encoding 'lap'" "bad encoding")
  run(2 train --data ${DATA} --range k-hop:3 --max-range-edges 1000 --epochs 1 --quiet)
  expect_match("${err}" "more than 1000 edges" "edge cap")
elseif(MODE STREQUAL "molecules")
  run(0 train --data ${DATA} --target logp --range full --pe lap:2 --runs 1 --epochs 2 --quiet --save ${dir}/full.gk)
  file(STRINGS ${dir}/full.gk bytes REGEX "kind")
  expect_match("${bytes}" "\"range\":\"full\",\"max_full_nodes\":512" "checkpoint range")
  run(0 predict --model ${dir}/full.gk --data ${DATA} --out ${dir}/full.csv)
  expect_lines(${dir}/full.csv 41 lines)
  # Molecules of more than 8 atoms: refused, or skipped and reported.
  run(1 train --data ${DATA} --target logp --range full --max-full-nodes 8 --runs 1 --epochs 1 --quiet)
  expect_match("${err}" "labelled.sdf:[0-9]+: record [0-9]+ 'mol[0-9]+': (9|10|11|13) nodes, more than the limit of 8 for --range full" "refusal")
  run(0 train --data ${DATA} --target logp --range full --max-full-nodes 8 --on-error skip --runs 1 --epochs 1
      --save ${dir}/small.gk)
  expect_match("${err}" "skipped record" "training skips")
  run(0 predict --model ${dir}/small.gk --data ${DATA} --on-error skip --out ${dir}/small.csv)
  expect_match("${err}" "predicted 32 of 40 records" "prediction skips")
  file(READ ${dir}/small.csv csv)
  expect_match("${csv}" "more than the limit of 8 for --range full" "error column")
else()
  message(FATAL_ERROR "cli_range: unknown MODE ${MODE}")
endif()
