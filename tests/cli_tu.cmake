# Graph-level commands on a TU Dortmund data set (tests/data/tu/rings, written by make_tu.py there):
# train by folder and by prefix, --save, predict (a row per graph, named DS_<id>; a set with fewer label
# values fits the model, one with more is refused), info, convert to JSON and training on the result,
# and the refusals (a molecule model, convert to SDF, a folder of two data sets, a broken file); a bad line
# under --on-error skip passes over its graph only.
#   cmake -DCLI=<gatkit program> -DMODE=tu -DDATA=<tests/data folder> -DWORK_DIR=<dir> -P cli_tu.cmake
set(CLI_TEST cli_tu)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)
set(rings ${DATA}/tu/rings)

run_match(0 "test ROC-AUC [0-9.]+ \\+- [0-9.]+ over 2 run" train --data ${rings} --target class --epochs 30 --runs 2
          --threads 2 --save ${dir}/rings.gk --summary ${dir}/summary.json)
expect_match("${err}" "data rings: 40 graphs" "the data line counts graphs")
file(READ ${dir}/summary.json summary)
expect_match("${summary}" "\"input\": \"graphs\"" "the summary names the input")
run(0 predict --model ${dir}/rings.gk --data ${rings}/RINGS --out ${dir}/rings.csv)
expect_lines(${dir}/rings.csv 41 rows)
list(GET rows 0 header)
list(GET rows 3 third)
expect_match("${header}" "^record,name,class,class_probability$" "the CSV header")
expect_match("${third}" "^3,RINGS_3,[01],[0-9.e-]+$" "the third graph's row")
run_match(0 "graphs      40 generic graph entries.*target      class: 40 present, 0 missing; binary 0: 20 \\(50.0 %\\) 1: 20"
          info --data ${rings} --target class,attribute)
run_match(0 "test RMSE" train --data ${rings} --target attribute --task regression --epochs 5 --runs 1)

# Fewer label values than in training: the one-hot columns are widened to the model's. More: refused.
file(MAKE_DIRECTORY ${dir}/small ${dir}/wide)
foreach(set small wide)
  file(WRITE ${dir}/${set}/S_graph_indicator.txt "1\n1\n2\n2\n2\n")
  file(WRITE ${dir}/${set}/S_A.txt "1, 2\n2, 1\n3, 4\n4, 5\n")
  file(WRITE ${dir}/${set}/S_edge_labels.txt "0\n0\n1\n1\n")
endforeach()
file(WRITE ${dir}/small/S_node_labels.txt "0\n0\n1\n0\n1\n")
file(WRITE ${dir}/wide/S_node_labels.txt "0\n0\n1\n0\n5\n")
run_match(0 "predicted 2 of 2 records" predict --model ${dir}/rings.gk --data ${dir}/small)
expect_match("${out}" "2,S_2,[01],[0-9.e-]+" "the second graph of the small set")
run_match(1 "wide: graph 1: graph 'S_1': 6 node and 2 edge feature columns, the model was trained on 3 and 2" predict
          --model ${dir}/rings.gk --data ${dir}/wide)

# convert writes what was read; the JSON trains as the folder does.
run_match(0 "converted 0 molecule\\(s\\) and 40 graph\\(s\\)" convert --data ${rings} --out ${dir}/rings.json)
file(READ ${dir}/rings.json json)
expect_match("${json}" "\"id\":\"RINGS_1\",\"num_nodes\":4,\"node_features\":\\[\\[1,0,0\\],\\[0,1,0\\]" "the first graph")
expect_match("${json}" "\"labels\":{\"class\":1,\"label\":1,\"attribute\":4}" "the first graph's labels")
run_match(0 "data rings.json: 40 graphs" train --data ${dir}/rings.json --target class --epochs 2 --runs 1)

# Refusals.
run_match(2 "holds generic graphs, which SDF cannot hold" convert --data ${rings} --out ${dir}/rings.sdf)
run(0 train --data ${DATA}/chem/labelled/labelled.sdf --target active --epochs 2 --runs 1 --save ${dir}/molecules.gk)
run_match(2 "is a TU data set of generic graphs; this command takes molecules" predict --model ${dir}/molecules.gk
          --data ${rings})
file(WRITE ${dir}/wide/T_graph_indicator.txt "1\n")
run_match(2 "holds several TU data sets \\(S, T\\); name one as" info --data ${dir}/wide)
file(WRITE ${dir}/small/S_A.txt "1, 2\n2, 3\n")
run_match(1 "S_A.txt:2: edge 2 -> 3 joins graph 1 to graph 2" train --data ${dir}/small --target class)

# --on-error skip: a bad line passes over its graph only (node 10 is in graph 3); the other rows keep
# their graphs and predictions.
file(MAKE_DIRECTORY ${dir}/broken)
foreach(part A edge_labels graph_indicator graph_labels graph_attributes)
  configure_file(${rings}/RINGS_${part}.txt ${dir}/broken/RINGS_${part}.txt COPYONLY)
endforeach()
file(STRINGS ${rings}/RINGS_node_labels.txt labels)
list(REMOVE_AT labels 9)
list(INSERT labels 9 "x")
list(JOIN labels "\n" text)
file(WRITE ${dir}/broken/RINGS_node_labels.txt "${text}\n")
run_match(1 "RINGS_node_labels.txt:10: expected a label \\(an integer\\), found 'x'" train --data ${dir}/broken --target class)
run_match(0 "data broken: 39 graphs \\(skipped 1 of 40 records: 3\\)" train --data ${dir}/broken --target class
          --epochs 2 --runs 1 --on-error skip)
run_match(0 "predicted 39 of 40 records; skipped 1 of 40 records: 3" predict --model ${dir}/rings.gk --data ${dir}/broken
          --on-error skip --out ${dir}/broken.csv)
run_match(0 "records     40 \\(skipped 1 of 40 records: 3\\)\ngraphs      39 generic graph entries" info --data ${dir}/broken
          --target class --on-error skip)
run(0 predict --model ${dir}/rings.gk --data ${rings} --out ${dir}/whole.csv)
expect_lines(${dir}/broken.csv 41 broken_rows)
expect_lines(${dir}/whole.csv 41 whole_rows)
list(GET broken_rows 3 third)
expect_match("${third}" "^3,RINGS_3,,,\"[^\"]*RINGS_node_labels.txt:10: expected a label" "the skipped graph's row")
foreach(k 2 4 40)
  list(GET broken_rows ${k} a)
  list(GET whole_rows ${k} b)
  string(REGEX REPLACE ",$" "" a "${a}")
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "cli_tu: row ${k} with a broken graph 3: '${a}', without: '${b}'")
  endif()
endforeach()

# explain: the weights of a graph model on its graphs (no elements; bond = an input edge source -> target).
run(0 explain --model ${dir}/rings.gk --data ${rings} --molecule 2 --layer 1 --head 1)
expect_match("${out}" "^record,name,layer,head,source_atom,target_atom,source_element,target_element,self_loop,bond,weight\n"
             "the explain header")
expect_match("${out}" "\n2,RINGS_2,1,1,2,1,,,0,1,[0-9.e-]+\n" "an edge's row")
expect_match("${out}" "\n2,RINGS_2,1,1,1,1,,,1,0,[0-9.e-]+\n" "a self-loop's row")
run_match(0 "\"name\":\"RINGS_2\",\"nodes\":5," explain --model ${dir}/rings.gk --data ${rings} --molecule 2 --format json)
run_match(2 "--svg draws molecules; .*rings.gk was trained on generic graphs" explain --model ${dir}/rings.gk
          --data ${rings} --molecule 2 --svg ${dir}/x.svg)
run_match(2 "is a TU data set of generic graphs; this command takes molecules" explain --model ${dir}/molecules.gk
          --data ${rings})

# A graph without edges (one node) fits any edge width: it trains with the others and is predicted.
file(MAKE_DIRECTORY ${dir}/lone)
foreach(part A edge_labels node_labels graph_indicator graph_labels)
  file(READ ${rings}/RINGS_${part}.txt text)
  set(extra_graph_indicator "41\n")
  set(extra_node_labels "2\n")
  set(extra_graph_labels "1\n")
  file(WRITE ${dir}/lone/RINGS_${part}.txt "${text}${extra_${part}}")
endforeach()
run_match(0 "data lone: 41 graphs" train --data ${dir}/lone --target class --epochs 2 --runs 1)
run(0 predict --model ${dir}/rings.gk --data ${dir}/lone)
expect_match("${out}" "\n41,RINGS_41,[01],[0-9.e-]+\n" "the graph without edges is predicted")

# --structural-features degree: 16 in-degree columns, recorded in the model and added by predict.
run(0 train --data ${rings} --target class --structural-features degree --epochs 5 --runs 1 --save ${dir}/degree.gk
    --summary ${dir}/degree.json)
file(READ ${dir}/degree.json summary)
expect_match("${summary}" "\"structural_features\": \"degree\"" "the summary names the degree columns")
run_match(0 "predicted 41 of 41 records" predict --model ${dir}/degree.gk --data ${dir}/lone)
run_match(2 "--structural-features applies to generic graphs" train --data ${DATA}/chem/labelled/labelled.sdf
          --target active --structural-features degree)
run_match(2 "--structural-features: generic graphs take degree or none" train --data ${rings} --target class
          --structural-features identity)
