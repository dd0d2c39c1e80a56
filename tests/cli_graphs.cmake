# Graph-level commands on JSON generic graph entries (tests/data/graphs/generic.json, written by
# make_generic.py): train with --save, predict with the saved model (a row per record, named by id),
# info, and the refusals (a scaffold split, a molecule model on graphs, a graph model on molecules,
# a file mixing both kinds, a misspelt --target, a bad entry under --on-error fail and skip).
#   cmake -DCLI=<gatkit program> -DMODE=graphs -DDATA=<tests/data folder> -DWORK_DIR=<dir> -P cli_graphs.cmake
set(CLI_TEST cli_graphs)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)
set(graphs ${DATA}/graphs/generic.json)
set(sdf ${DATA}/chem/labelled/labelled.sdf)

run_match(0 "test ROC-AUC [0-9.]+ \\+- [0-9.]+ over 2 run" train --data ${graphs} --target marked --epochs 40 --runs 2
          --threads 2 --save ${dir}/graphs.gk --summary ${dir}/summary.json)
expect_match("${err}" "data generic.json: 48 graphs" "the data line counts graphs")
file(READ ${dir}/summary.json summary)
expect_match("${summary}" "\"input\": \"graphs\"" "the summary names the input")
run(0 predict --model ${dir}/graphs.gk --data ${graphs} --out ${dir}/graphs.csv)
expect_lines(${dir}/graphs.csv 49 rows)
list(GET rows 0 header)
list(GET rows 2 second)
expect_match("${header}" "^record,name,marked,marked_probability$" "the CSV header")
expect_match("${second}" "^2,g1,[01],[0-9.e-]+$" "the second graph's row")
run_match(0 "graphs      48 generic graph entries.*target      partly: 39 present, 9 missing" info --data ${graphs}
          --target partly)

# Regression and missing labels train too.
run_match(0 "test RMSE" train --data ${graphs} --target size --task regression --epochs 5 --runs 1)
run_match(0 "test ROC-AUC" train --data ${graphs} --target partly --epochs 5 --runs 1)

# Refusals.
run_match(2 "--split scaffold needs molecules" train --data ${graphs} --target marked --split scaffold)
run_match(1 "no graph entry has the label 'marks'" train --data ${graphs} --target marks)
run_match(1 "labelled.sdf:1: the model was trained on generic graph entries, not molecules" predict --model ${dir}/graphs.gk
          --data ${sdf})
run(0 train --data ${sdf} --target active --epochs 2 --runs 1 --save ${dir}/molecules.gk)
run_match(1 "graphs\\[0\\]: expected a molecule entry, found a \"graph\" entry" predict --model ${dir}/molecules.gk
          --data ${graphs})
file(READ ${graphs} text)
string(REPLACE "{\"type\":\"graph\",\"id\":\"g3\"" "{\"type\":\"molecule\",\"atoms\":[{\"element\":\"C\"}]},{\"type\":\"graph\",\"id\":\"g3\"" mixed "${text}")
file(WRITE ${dir}/mixed.json "${mixed}")
run_match(1 "mixed.json: graphs\\[0\\]: a generic graph entry in a file of molecules" train --data ${dir}/mixed.json --target marked)
# convert copies both kinds, in file order (SDF cannot hold the graphs).
run_match(0 "converted 1 molecule\\(s\\) and 48 graph\\(s\\)" convert --data ${dir}/mixed.json --out ${dir}/mixed_copy.json)
file(READ ${dir}/mixed_copy.json copy)
expect_match("${copy}" "\"id\":\"g2\"[^\n]*\n{\"type\":\"molecule\"[^\n]*\n{\"type\":\"graph\",\"id\":\"g3\"" "the molecule between g2 and g3")
run_match(2 "holds generic graphs, which SDF cannot hold" convert --data ${dir}/mixed.json --out ${dir}/mixed.sdf)
# An edge listed twice is a bad record: fail names it, skip trains on the others and keeps ids aligned.
string(REGEX REPLACE "(\"id\":\"g5\"[^}]*\"edges\":\\[)\\[0,1\\]" "\\1[1,0],[0,1]" broken "${text}")
string(REGEX REPLACE "(\"id\":\"g5\"[^}]*\"edge_features\":\\[)\\[1\\.0\\]" "\\1[1.0],[1.0]" broken "${broken}")
file(WRITE ${dir}/broken.json "${broken}")
run_match(1 "broken.json: graphs\\[5\\]: edge \\[1, 0\\] is listed twice" train --data ${dir}/broken.json --target marked)
run_match(0 "skipped 1 of 48 records: 6" train --data ${dir}/broken.json --target marked --on-error skip --epochs 2 --runs 1)
run(0 predict --model ${dir}/graphs.gk --data ${dir}/broken.json --on-error skip --out ${dir}/broken.csv)
file(STRINGS ${dir}/broken.csv broken_rows)
list(GET broken_rows 6 sixth)
list(GET broken_rows 7 seventh)
expect_match("${sixth}" "^6,g5,,,.*listed twice" "the bad graph keeps its row, with the reason")
expect_match("${seventh}" "^7,g6,[01]," "the graph after it keeps its own id")
# evaluate reads the entries' labels, and leaves the bad entry out under skip.
run_match(0 "records     48: 48 scored, 48 of them labelled\nROC-AUC     " evaluate --model ${dir}/graphs.gk --data ${graphs})
run_match(0 "records     48: 47 scored, 47 of them labelled; skipped 1 of 48 records: 6" evaluate --model ${dir}/graphs.gk
          --data ${dir}/broken.json --on-error skip)

# One graph entry with node_labels (nodes.json, written by make_nodes.py): node classification when
# train has no --target, and predict / explain with the node classifier.
set(nodes ${DATA}/graphs/nodes.json)
run_match(0 "test accuracy [0-9.]+ \\+- [0-9.]+ % over 2 runs" train --data ${nodes} --split 0.6,0.2,0.2 --epochs 30 --runs 2
          --save ${dir}/nodes.gk)
expect_match("${err}" "data nodes \\(json\\): 60 nodes, 252 edges, 2 features, 3 classes" "the node data line")
run(0 predict --model ${dir}/nodes.gk --data ${nodes} --split 0.6,0.2,0.2 --out ${dir}/nodes.csv)
expect_lines(${dir}/nodes.csv 61 node_rows)
list(GET node_rows 0 header)
expect_match("${header}" "^node_id,predicted_class,prob_0,prob_1,prob_2$" "the node CSV header")
# --nodes unlabelled: the rows of the six nodes without a label (9, 19, ..., 59), as in the full output.
run(0 predict --model ${dir}/nodes.gk --data ${nodes} --split 0.6,0.2,0.2 --nodes unlabelled --out ${dir}/unlabelled.csv)
expect_lines(${dir}/unlabelled.csv 7 unlabelled_rows)
foreach(k RANGE 1 6)
  list(GET unlabelled_rows ${k} row)
  math(EXPR node "${k} * 10 - 1")
  math(EXPR full_row "${node} + 1")
  list(GET node_rows ${full_row} want)
  expect_equal("${row}" "${want}" "--nodes unlabelled, row ${k}")
endforeach()
run_match(0 "node '5': its in-edges by weight" explain --model ${dir}/nodes.gk --data ${nodes} --split 0.6,0.2,0.2 --node 5)
run_match(0 "data nodes \\(json\\): 60 nodes, 252 edges, 18 features" train --data ${nodes} --split 0.6,0.2,0.2 --epochs 2
          --runs 1 --structural-features degree)
# info without --target shows what train would use (node classes, split); with --target, graph-level counts.
run_match(0 "classes     3  \\(0: 18, 1: 18, 2: 18\\), 6 unlabelled\nsplit       train 33, val 12, test 9" info --data ${nodes}
          --split 0.6,0.2,0.2)
run_match(0 "graphs      1 generic graph entries" info --data ${nodes} --target x)
# With --target the file is a (too small) graph-level data set; a graph without features needs structural ones.
run_match(2 "too few graphs to train on \\(1\\)" train --data ${nodes} --target x)
file(READ ${nodes} text)
string(REGEX REPLACE "\"node_features\":\\[[^a-z]*\\]\\]," "" bare "${text}")
file(WRITE ${dir}/bare.json "${bare}")
run_match(2 "bare.json: the graph has no node_features; add --structural-features degree\\|identity" train --data ${dir}/bare.json)
run_match(0 "test accuracy" train --data ${dir}/bare.json --split 0.6,0.2,0.2 --structural-features degree --epochs 2 --runs 1)
