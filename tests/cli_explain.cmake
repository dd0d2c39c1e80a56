# Run by ctest (tests cli_explain_*) as
#   cmake -DCLI=<gatkit program> -DMODE=node|molecules|errors -DDATA=<tests/data/chem/labelled> -DWORK_DIR=<dir>
#         -P cli_explain.cmake
# gatkit explain on the command line:
#   node:      a five-person manifest with string ids (written here): the CSV table (row count, ids, self-loop
#              and input-edge flags), --node top-k (ranks, CSV and text), JSON that parses;
#   molecules: a model trained on labelled.sdf: rows of the chosen records only (1-based atoms, bond
#              flags), the same with 1 and 2 threads, JSON, and an SVG with one atom shape per atom, one
#              bond shape per bond and a legend;
#   errors:    unknown node id, molecule record, layer and head are usage errors (exit 2) that say what exists.
cmake_minimum_required(VERSION 3.22)

set(CLI_TEST cli_explain)
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

function(expect_count file regex expected what)
  file(READ ${file} text)
  string(REGEX MATCHALL "${regex}" found "${text}")
  list(LENGTH found n)
  if(NOT n EQUAL expected)
    message(FATAL_ERROR "cli_explain: ${what}: ${n} matches of '${regex}' in ${file}, expected ${expected}")
  endif()
endfunction()

# The five-person manifest:  alice - bob - carol - dave - erin,  alice - carol.
set(people ${dir}/people)
file(MAKE_DIRECTORY ${people})
file(WRITE ${people}/edges.csv "source,target\nalice,bob\nbob,carol\ncarol,dave\nalice,carol\ndave,erin\n")
file(WRITE ${people}/labels.csv "id,team\nalice,x\nbob,x\ncarol,y\ndave,y\nerin,y\n")
file(WRITE ${people}/train.txt "alice\ndave\n")
file(WRITE ${people}/test.txt "bob\ncarol\nerin\n")
file(WRITE ${people}/manifest.json [=[{"format": "gatkit-node-manifest", "name": "people",
  "edges": {"file": "edges.csv", "format": "csv"},
  "labels": {"file": "labels.csv", "format": "csv"},
  "structural_features": ["identity"],
  "split": {"train": "train.txt", "val": "train.txt", "test": "test.txt"}}]=])
set(node_model ${dir}/people.gk)

if(MODE STREQUAL "node" OR MODE STREQUAL "errors")
  run_match(0 "" train --data ${people}/manifest.json --epochs 20 --heads 2 --save ${node_model} --quiet)
endif()

if(MODE STREQUAL "node")
  # 10 directed edges + 5 self-loops; layer 1 has 2 heads, layer 2 (output) 1: 45 rows and a header.
  run_match(0 "" explain --model ${node_model} --data ${people}/manifest.json --output ${dir}/w.csv --quiet)
  expect_lines(${dir}/w.csv 46 rows)
  list(GET rows 0 header)
  expect_match("${header}" "^layer,head,source,target,self_loop,input_edge,weight$" "CSV header")
  expect_count(${dir}/w.csv "\n1,2,erin,erin,1,0,[0-9.e-]+" 1 "self-loop of erin, layer 1 head 2")
  expect_count(${dir}/w.csv "\n2,1,bob,alice,0,1,[0-9.e-]+" 1 "bob -> alice, layer 2")
  expect_count(${dir}/w.csv "\n[12],[12],[a-z]+,[a-z]+,1,1," 0 "no self-loop is an input edge")
  expect_count(${dir}/w.csv "\n1,1,[a-z]+,carol," 4 "carol's in-edges: alice, bob, dave and itself")
  # --node: CSV with ranks, three per layer and head: (2 + 1) x 3 rows.
  run_match(0 "" explain --model ${node_model} --data ${people}/manifest.json --node carol --top 3 --format csv --quiet)
  file(WRITE ${dir}/top.csv "${out}")
  expect_match("${out}" "^layer,head,rank,source,self_loop,weight\n1,1,1,[a-z]+,[01],[0-9.e-]+\n1,1,2,[a-z]+,[01],[0-9.e-]+\n1,1,3,"
               "top-3 rows in rank order")
  expect_count(${dir}/top.csv "\n[12],[12],[123]," 9 "top-3 rows")
  run_match(0 "node 'carol'.*layer 2 of 2, head 1 of 1:\n  1\\. [0-9.]+  [a-z]+" explain --model ${node_model}
      --data ${people}/manifest.json --node carol --quiet)
  # JSON parses and has both layers, with the ids of the manifest.
  run_match(0 "" explain --model ${node_model} --data ${people}/manifest.json --output ${dir}/w.json --quiet)
  file(READ ${dir}/w.json json)
  string(JSON layers LENGTH "${json}" layers)
  string(JSON edges LENGTH "${json}" layers 0 edges)
  string(JSON weights LENGTH "${json}" layers 0 edges 0 weights)
  string(JSON source GET "${json}" layers 0 edges 0 source)
  if(NOT layers EQUAL 2 OR NOT edges EQUAL 15 OR NOT weights EQUAL 2 OR NOT source MATCHES "^(alice|bob|carol|dave|erin)$")
    message(FATAL_ERROR "cli_explain: JSON has ${layers} layers, ${edges} edges, ${weights} weights, source '${source}'")
  endif()
  return()
endif()

set(mol_model ${dir}/active.gk)
if(MODE STREQUAL "molecules" OR MODE STREQUAL "errors")
  run_match(0 "" train --data ${DATA}/labelled.sdf --target active --epochs 3 --runs 1 --batch-size 8 --layers 2 --heads 2
      --hidden 8 --save ${mol_model} --quiet)
endif()

if(MODE STREQUAL "molecules")
  run_match(0 "" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 2 --molecule 5 --output ${dir}/m.csv)
  file(STRINGS ${dir}/m.csv rows)
  list(GET rows 0 header)
  expect_match("${header}"
    "^record,name,layer,head,source_atom,target_atom,source_element,target_element,self_loop,bond,weight$" "CSV header")
  expect_count(${dir}/m.csv "\n[^25][0-9]*," 0 "only records 2 and 5")
  expect_count(${dir}/m.csv "\n2,[^,]*,1,1,1,1,[A-Z][a-z]?,[A-Z][a-z]?,1,0," 1 "self-loop of atom 1 (1-based), not a bond")
  expect_count(${dir}/m.csv "\n[25],[^,]*,[12],[12],[0-9]+,[0-9]+,[A-Za-z]+,[A-Za-z]+,1,1," 0 "no self-loop is a bond")
  # The same weights with 1 and 2 threads (the kernels reduce in a fixed order).
  run_match(0 "" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 2,5 --threads 1)
  set(one "${out}")
  run_match(0 "" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 2,5 --threads 2)
  if(NOT one STREQUAL out)
    message(FATAL_ERROR "cli_explain: weights differ between 1 and 2 threads")
  endif()
  file(READ ${dir}/m.csv written)
  if(NOT one STREQUAL written)
    message(FATAL_ERROR "cli_explain: --molecule 2 --molecule 5 and --molecule 2,5 differ")
  endif()
  # The same molecules read from gatkit JSON give the same rows.
  run_match(0 "" convert --data ${DATA}/labelled.sdf --out ${dir}/labelled.json)
  run_match(0 "" explain --model ${mol_model} --data ${dir}/labelled.json --molecule 2,5)
  if(NOT one STREQUAL out)
    message(FATAL_ERROR "cli_explain: JSON input gives other rows than SDF input:\n${out}")
  endif()
  run_match(0 "" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 2,5 --format json --layer 2 --head 1)
  string(JSON molecules LENGTH "${out}" molecules)
  string(JSON record GET "${out}" molecules 1 record)
  string(JSON layer GET "${out}" molecules 0 layers 0 layer)
  if(NOT molecules EQUAL 2 OR NOT record EQUAL 5 OR NOT layer EQUAL 2)
    message(FATAL_ERROR "cli_explain: JSON: ${molecules} molecules, second record ${record}, layer ${layer}")
  endif()
  # The SVG of record 2: count its atoms and bonds in the SDF's counts line.
  run_match(0 "wrote 1 drawing" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 2 --svg ${dir}/two.svg)
  file(STRINGS ${DATA}/labelled.sdf lines)
  set(record 1)
  foreach(line IN LISTS lines)
    if(line MATCHES "V2000$" AND record EQUAL 2)
      string(SUBSTRING "${line}" 0 3 atoms)
      string(SUBSTRING "${line}" 3 3 bonds)
      string(STRIP "${atoms}" atoms)
      string(STRIP "${bonds}" bonds)
    endif()
    if(line STREQUAL "$$$$")
      math(EXPR record "${record} + 1")
    endif()
  endforeach()
  expect_count(${dir}/two.svg "<circle class=\"atom\"" ${atoms} "one atom shape per atom")
  expect_count(${dir}/two.svg "<line [^>]*class=\"bond\"" ${bonds} "one bond shape per bond")
  expect_count(${dir}/two.svg "<g class=\"legend\"" 1 "a legend")
  expect_count(${dir}/two.svg "record 2: " 1 "the record in the legend")
  run_match(0 "wrote 2 drawings" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 2,3 --svg ${dir}/svgs --head 2)
  if(NOT EXISTS ${dir}/svgs/record_2.svg OR NOT EXISTS ${dir}/svgs/record_3.svg)
    message(FATAL_ERROR "cli_explain: --svg DIR did not write record_2.svg and record_3.svg")
  endif()
  return()
endif()

if(MODE STREQUAL "errors")
  set(people_data --data ${people}/manifest.json --quiet)
  run_match(2 "--node 'nobody': no node of people has this id \\(5 nodes, ids such as 'alice'"
      explain --model ${node_model} ${people_data} --node nobody)
  run_match(2 "--layer 3: the model has 2 layers \\(1..2\\)" explain --model ${node_model} ${people_data} --layer 3)
  run_match(2 "--head 3: the widest layer of the model has 2 heads \\(1..2\\)" explain --model ${node_model} ${people_data} --head 3)
  run_match(2 "--top must be >= 1" explain --model ${node_model} ${people_data} --node alice --top 0)
  run_match(2 "--molecule applies to molecule models" explain --model ${node_model} ${people_data} --molecule 1)
  run_match(2 "--molecule 41: .*labelled.sdf has 40 records" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 41)
  run_match(2 "--molecule expects record numbers" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 0)
  run_match(2 "--head 3: layer 2 of the model has 2 heads"
      explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 1 --svg ${dir}/x.svg --head 3)
  run_match(2 "--svg .*one file" explain --model ${mol_model} --data ${DATA}/labelled.sdf --molecule 1,2 --svg ${dir}/x.svg)
  run_match(2 "--format expects csv or json" explain --model ${mol_model} --data ${DATA}/labelled.sdf --format xml)
  return()
endif()

message(FATAL_ERROR "cli_explain: unknown MODE ${MODE}")
