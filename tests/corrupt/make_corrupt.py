#!/usr/bin/env python3
"""Writes the broken files of tests/corrupt/<format>/ and their expectations (expected.tsv).

Each case is one hand-made broken input and what the error must say: the file it names (for LINQS, the
.content or the .cites file of the pair), the 1-based line ('-' when the error is not about one line)
and a substring of the message. corrupt_test.cpp loads every case with its format's reader and checks
all three. Run from anywhere: python3 tests/corrupt/make_corrupt.py (standard library only). The
checkpoint cases start from the small valid checkpoints of fuzz/corpus/checkpoint/.
"""
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

UTF16 = "1 2\n3 4\n".encode("utf-16")  # with its byte order mark
GARBAGE = bytes([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x10, 0x0a, 0x00, 0x03])


class Format:
    def __init__(self, name):
        self.dir = os.path.join(HERE, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.rows = []

    def case(self, name, data, line, expected, blame=None):
        """A broken file `name` with `data` (str or bytes); the error names `blame` (default: name)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)
        if blame is not False:
            self.rows.append((blame or name, "-" if line is None else str(line), expected))

    def done(self):
        with open(os.path.join(self.dir, "expected.tsv"), "w") as f:
            f.write("# file\tline\texpected substring of the error message\n")
            for row in self.rows:
                assert "\t" not in row[2]
                f.write("\t".join(row) + "\n")


def edge_list():
    f = Format("edge_list")
    f.case("empty.txt", "", None, "the file is empty; expected an edge list")
    f.case("only_comments.txt", "# a comment\n% another\n\n", None, "no edges found (3 lines, all blank, comments or a header)")
    f.case("one_field.txt", "1 2\n3\n", 2, "expected two node ids (src dst [weight]), found only '3'")
    f.case("four_fields.txt", "1 2\n1 2 3 4\n", 2, "expected at most three fields")
    f.case("text_id.txt", "1 2\n1 x\n", 2, "expected a node id (an integer), found 'x'")
    f.case("float_id.txt", "1.5 2\n", 1, "expected a node id (an integer), found '1.5'")
    f.case("hex_id.txt", "1 2\n0x10 1\n", 2, "expected a node id (an integer), found '0x10'")
    f.case("overflow_id.txt", "1 2\n99999999999999999999 1\n", 2, "does not fit in a 64-bit integer")
    f.case("bad_weight.txt", "1 2 0.5\n2 3 heavy\n", 2, "expected an edge weight (a number), found 'heavy'")
    f.case("nan_weight.txt", "1 2 nan\n", 1, "expected an edge weight, found 'nan' (not a finite number)")
    f.case("inf_weight.txt", "1 2 1\n2 3 -inf\n", 2, "(not a finite number)")
    f.case("float_overflow_weight.txt", "1 2 1e39\n", 1, "out of range for a 32-bit float")
    f.case("double_overflow_weight.txt", "1 2 1e400\n", 1, "expected an edge weight, found '1e400' (out of range)")
    f.case("missing_weight.txt", "1 2 0.5\n2 3\n", 2, "expected a weight (line 1 has one")
    f.case("extra_weight.txt", "1 2\n2 3 0.5\n", 2, "found a weight, but line 1 has none")
    f.case("empty_csv_field.csv", "1,,2\n", 1, "found an empty field")
    f.case("trailing_comma.csv", "1,2\n3,4,\n", 2, "expected a value after the last ','")
    f.case("second_header.txt", "src dst\n1 2\nfrom to\n", 3, "expected a node id (an integer), found 'from'")
    f.case("binary_garbage.txt", GARBAGE, 1, "unexpected NUL byte in column 8")
    f.case("utf16.txt", UTF16, 1, "UTF-16 (or UTF-32) byte order mark")
    f.case("truncated_line.txt", "1 2\n2 3\n3", 3, "expected two node ids (src dst [weight]), found only '3'")
    f.case("latin1_id.txt", b"1 2\n2 caf\xe9\n", 2, "found 'caf\\xe9'")
    f.case("plus_minus.txt", "1 2\n+-3 4\n", 2, "expected a node id (an integer), found '+-3'")
    f.done()


def svmlight():
    f = Format("svmlight")
    f.case("empty.svmlight", "", None, "the file is empty; expected svmlight samples")
    f.case("only_comments.svmlight", "# header\n\n   # more\n", None, "no samples found (only blank lines and comments)")
    f.case("no_label.svmlight", "1 1:0.5\n1:0.5 2:1\n", 2, "expected a label before the features, found '1:0.5'")
    f.case("text_label.svmlight", "yes 1:0.5\n", 1, "expected a label (a number), found 'yes'")
    f.case("nan_label.svmlight", "1 1:1\nnan 1:1\n", 2, "expected a label, found 'nan' (not a finite number)")
    f.case("no_colon.svmlight", "1 5\n", 1, "expected a feature index:value pair, found '5'")
    f.case("empty_index.svmlight", "1 :5\n", 1, "expected a feature index:value pair, found ':5'")
    f.case("empty_value.svmlight", "1 2:0.5 5:\n", 1, "expected a feature index:value pair, found '5:'")
    f.case("text_index.svmlight", "1 a:1\n", 1, "expected a feature index (an integer), found 'a'")
    f.case("negative_index.svmlight", "1 -1:1\n", 1, "expected a non-negative feature index, found '-1'")
    f.case("descending.svmlight", "1 1:1\n0 3:1 2:1\n", 2, "feature indices must be strictly ascending, found 2 after 3")
    f.case("duplicate_index.svmlight", "1 2:1 2:1\n", 1, "strictly ascending, found 2 after 2")
    f.case("huge_index.svmlight", "1 2147483647:1\n", 1, "feature index 2147483647 is too large")
    f.case("index_over_limit.svmlight", "1 1:1\n0 5000000:1\n", 2,
           "feature index 5000000 exceeds the limit of 1000000 features (Limits::max_feature_dim; raise it with --max-features)")
    f.case("overflow_index.svmlight", "1 99999999999999999999:1\n", 1, "does not fit in a 64-bit integer")
    f.case("text_value.svmlight", "1 1:x\n", 1, "expected a feature value (a number), found 'x'")
    f.case("nan_value.svmlight", "1 1:nan\n", 1, "expected a feature value, found 'nan' (not a finite number)")
    f.case("float_overflow_value.svmlight", "1 1:1e39\n", 1, "out of range for a 32-bit float")
    f.case("double_overflow_value.svmlight", "1 1:1e999\n", 1, "found '1e999' (out of range)")
    f.case("late_qid.svmlight", "1 1:1 qid:3\n", 1, "expected qid:N before the features, found 'qid:3'")
    f.case("bad_qid.svmlight", "1 qid:x 1:1\n", 1, "expected a query id (an integer), found 'x'")
    f.case("binary_garbage.svmlight", GARBAGE, 1, "unexpected NUL byte")
    f.case("utf16.svmlight", "1 1:0.5\n".encode("utf-16"), 1, "UTF-16 (or UTF-32) byte order mark")
    f.case("truncated_pair.svmlight", "1 1:0.5\n0 1:0.25 2", 2, "expected a feature index:value pair, found '2'")
    f.done()


def split():
    # Loaded as read_split(file, 10).
    f = Format("split")
    f.case("empty.txt", "", None, "the file is empty; expected node ids")
    f.case("only_comments.txt", "# nothing\n\n", None, "no node ids (only blank lines and comments)")
    f.case("two_per_line.txt", "1\n2 3\n", 2, "expected one node id per line, found '2 3'")
    f.case("comma_list.txt", "1,2,3\n", 1, "expected a node id (an integer), found '1,2,3'")
    f.case("text.txt", "1\nseven\n", 2, "expected a node id (an integer), found 'seven'")
    f.case("float.txt", "1.0\n", 1, "expected a node id (an integer), found '1.0'")
    f.case("scientific.txt", "1e3\n", 1, "found '1e3'")
    f.case("hex.txt", "0x3\n", 1, "found '0x3'")
    f.case("negative.txt", "0\n-1\n", 2, "node id -1 is out of range: expected 0..9 (10 nodes)")
    f.case("out_of_range.txt", "0\n10\n", 2, "node id 10 is out of range: expected 0..9")
    f.case("int32_overflow.txt", "2147483648\n", 1, "node id 2147483648 is out of range")
    f.case("int64_overflow.txt", "99999999999999999999999\n", 1, "does not fit in a 64-bit integer")
    f.case("duplicate.txt", "1\n2\n3\n2\n", 4, "node id 2 is listed twice (first on line 2)")
    f.case("trailing_junk.txt", "3x\n", 1, "found '3x'")
    f.case("double_sign.txt", "+-3\n", 1, "found '+-3'")
    f.case("old_mac_line_ends.txt", "1\r2\r3\r", 1, "found '1\\x0d2\\x0d3'")
    f.case("binary_garbage.txt", GARBAGE, 1, "unexpected NUL byte")
    f.case("utf16.txt", "1\n2\n".encode("utf-16"), 1, "UTF-16 (or UTF-32) byte order mark")
    f.case("utf16_without_bom.txt", "1\n2\n".encode("utf-16-le"), 1, "unexpected NUL byte in column 2")
    f.case("latin1.txt", b"\xa71\n", 1, "found '\\xa71'")
    f.case("truncated_number.txt", "1\n2\n-", 3, "expected a node id (an integer), found '-'")
    f.done()


def linqs():
    # Pairs <stem>.content + <stem>.cites; the row names the file the error must name.
    f = Format("linqs")
    good_content = "p1\t1\t0\t1\tA\np2\t0\t1\t0\tB\np3\t1\t1\t0\tA\n"
    good_cites = "p1\tp2\np3\tp1\n"

    def pair(stem, content, cites, blame_ext, line, expected):
        f.case(stem + ".content", content, line, expected, blame=(stem + ".content") if blame_ext == "content" else False)
        f.case(stem + ".cites", cites, line, expected, blame=(stem + ".cites") if blame_ext == "cites" else False)

    pair("empty_content", "", good_cites, "content", None, "the file is empty; expected LINQS .content lines")
    pair("blank_content", "\n \n\t\n", good_cites, "content", None, "no papers found (only blank lines)")
    pair("one_field", "p1\n", good_cites, "content", 1, "found only 1 field")
    pair("two_fields", good_content + "p4 A\n", good_cites, "content", 4, "found only 2 fields")
    pair("ragged_short", good_content + "p4\t1\t0\tB\n", good_cites, "content", 4,
         "expected 3 word values (as on line 1), found 2")
    pair("ragged_long", good_content + "p4\t1\t0\t1\t1\tB\n", good_cites, "content", 4, "expected 3 word values (as on line 1), found 4")
    pair("text_word", "p1\t1\tyes\t1\tA\n", good_cites, "content", 1, "expected a value for word 2 (a number), found 'yes'")
    pair("nan_word", "p1\t1\t0\tnan\tA\n", good_cites, "content", 1, "expected a value for word 3, found 'nan' (not a finite number)")
    pair("huge_word", "p1\t1e39\t0\t1\tA\n", good_cites, "content", 1, "out of range for a 32-bit float")
    pair("duplicate_paper", good_content + "p2\t1\t1\t1\tC\n", good_cites, "content", 4, "paper id 'p2' appears twice (first on line 2)")
    pair("binary_content", GARBAGE, good_cites, "content", 1, "unexpected NUL byte")
    pair("utf16_content", good_content.encode("utf-16"), good_cites, "content", 1, "UTF-16 (or UTF-32) byte order mark")
    pair("truncated_content", good_content + "p4\t1", good_cites, "content", 4, "found only 2 fields")
    pair("empty_cites", good_content, "", "cites", None, "the file is empty; expected LINQS .cites lines")
    pair("blank_cites", good_content, "\n\n", "cites", None, "no citations found (only blank lines)")
    pair("one_id", good_content, good_cites + "p2\n", "cites", 3, "expected '<cited paper id> <citing paper id>', found only 'p2'")
    pair("three_ids", good_content, "p1 p2 p3\n", "cites", 1, "found a third field 'p3'")
    pair("binary_cites", good_content, b"p1\tp2\n" + GARBAGE, "cites", 2, "unexpected NUL byte")
    pair("utf16_cites", good_content, good_cites.encode("utf-16"), "cites", 1, "UTF-16 (or UTF-32) byte order mark")
    pair("truncated_cites", good_content, "p1\tp2\np3", "cites", 2, "found only 'p3'")
    f.done()


def npy_bytes(header, data=b"", major=1, minor=0, length=None):
    if isinstance(header, str):
        header = header.encode("latin-1")
    if major == 1:
        prefix = b"\x93NUMPY" + bytes([major, minor]) + struct.pack("<H", len(header) if length is None else length)
    else:
        prefix = b"\x93NUMPY" + bytes([major, minor]) + struct.pack("<I", len(header) if length is None else length)
    return prefix + header + data


def hdr(descr="'<f4'", order="False", shape="(2, 3)"):
    text = "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, order, shape)
    return text + " " * (63 - (10 + len(text)) % 64) + "\n"


def npy():
    # read_npy_matrix, or read_npy_integers for the int_* files.
    f = Format("npy")
    f4 = struct.pack("<6f", 1, 2, 3, 4, 5, 6)
    f.case("empty.npy", b"", None, "not a .npy file: only 0 bytes")
    f.case("tiny.npy", b"\x93NUM", None, "not a .npy file: only 4 bytes")
    f.case("text.npy", b"features,of,a,csv\n1,2,3,4\n", None, "not a .npy file: the file does not start with")
    f.case("version_4.npy", npy_bytes(hdr(), f4, major=4), None, "unsupported .npy format version 4.0")
    f.case("version_1_5.npy", npy_bytes(hdr(), f4, minor=5), None, "unsupported .npy format version 1.5")
    f.case("truncated_header.npy", npy_bytes(hdr())[:40], None, "truncated file: the header declares 118 bytes but the file has only 40")
    f.case("header_length_huge.npy", npy_bytes(hdr(), f4, major=2, length=0xFFFFFFF0), None,
           "npy header length 4294967280 exceeds the limit of 65536 bytes")
    f.case("header_not_dict.npy", npy_bytes("hello world\n", f4), None, "npy header: expected '{', found 'hello")
    f.case("missing_descr.npy", npy_bytes("{'fortran_order': False, 'shape': (2, 3), }\n", f4), None, "npy header: missing key 'descr'")
    f.case("missing_shape.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, }\n", f4), None, "npy header: missing key 'shape'")
    f.case("missing_order.npy", npy_bytes("{'descr': '<f4', 'shape': (2, 3), }\n", f4), None, "missing key 'fortran_order'")
    f.case("fortran_order.npy", npy_bytes(hdr(order="True"), f4), None, "Fortran-order (column-major) arrays are not supported")
    f.case("big_endian.npy", npy_bytes(hdr(descr="'>f4'"), f4), None, "big-endian dtype '>f4' is not supported")
    f.case("complex.npy", npy_bytes(hdr(descr="'<c8'"), f4 + f4), None, "unsupported dtype '<c8'")
    f.case("structured.npy", npy_bytes(hdr(descr="[('a', '<f4')]"), f4), None, "structured dtypes are not supported")
    f.case("negative_dim.npy", npy_bytes(hdr(shape="(-2, 3)"), f4), None, "expected a non-negative dimension in 'shape'")
    f.case("dim_over_64_bits.npy", npy_bytes(hdr(shape="(18446744073709551616, 1)"), f4), None,
           "a dimension of 'shape' does not fit in 64 bits")
    f.case("shape_overflow.npy", npy_bytes(hdr(shape="(4294967296, 4294967296, 4)"), f4), None, "has too many elements (overflow)")
    f.case("lying_shape.npy", npy_bytes(hdr(shape="(1000000, 1000000)"), f4), None,
           "truncated file: shape (1000000, 1000000) of '<f4' needs 4000000000000 data bytes, the file holds 24")
    f.case("truncated_data.npy", npy_bytes(hdr(), f4[:12]), None, "truncated file: shape (2, 3) of '<f4' needs 24 data bytes, the file holds 12")
    f.case("trailing_bytes.npy", npy_bytes(hdr(), f4 + b"\0\0\0\0"), None, "unexpected trailing bytes")
    f.case("nan.npy", npy_bytes(hdr(), struct.pack("<6f", 1, 2, 3, 4, float("nan"), 6)), None, "element (1, 1) is NaN; expected finite values")
    f.case("inf.npy", npy_bytes(hdr(), struct.pack("<6f", 1, 2, float("-inf"), 4, 5, 6)), None, "element (0, 2) is infinite")
    f.case("f8_too_big.npy", npy_bytes(hdr(descr="'<f8'", shape="(1, 2)"), struct.pack("<2d", 1, 1e300)), None,
           "element (0, 1) is out of range for float32")
    f.case("three_dims.npy", npy_bytes(hdr(shape="(1, 2, 3)"), f4), None, "expected a 1-D or 2-D array, found shape (1, 2, 3)")
    f.case("ints_as_matrix.npy", npy_bytes(hdr(descr="'<i4'"), f4), None, "expected a float32 or float64 array ('<f4', '<f8'), found dtype '<i4'")
    f.case("too_many_columns.npy", npy_bytes(hdr(shape="(0, 2000000)")), None,
           "2000000 columns exceeds the limit of 1000000 features (Limits::max_feature_dim")
    f.case("int_floats.npy", npy_bytes(hdr(shape="(6,)"), f4), None, "expected an integer array, found dtype '<f4'")
    f.case("int_matrix.npy", npy_bytes(hdr(descr="'<i4'", shape="(2, 3)"), f4), None, "expected a 1-D integer array, found shape (2, 3)")
    f.case("duplicate_key.npy", npy_bytes("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,), }\n", f4), None,
           "key 'descr' appears twice")
    f.case("unknown_key.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'extra': 1}\n", f4), None,
           "unexpected key 'extra'")
    f.case("unterminated_string.npy", npy_bytes("{'descr': '<f4, 'fortran_order': False, 'shape': (6,)}\n", f4), None,
           "npy header: unsupported dtype '<f4, '")
    f.case("text_after_dict.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} extra\n", f4), None,
           "unexpected text after the dict")
    f.done()


V2000_GOOD = """ethanol
  gatkit

  3  2  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    2.0000    1.2000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  2  3  1  0
M  END
> <logp>
-0.31

$$$$
"""


def v2000_lines():
    return V2000_GOOD.split("\n")


def with_line(index, text, base=None):
    lines = list(base or v2000_lines())
    lines[index] = text
    return "\n".join(lines)


def sdf_v2000():
    f = Format("sdf_v2000")
    L = v2000_lines()
    good = V2000_GOOD
    f.case("header_only.sdf", "\n".join(L[:3]) + "\n", 4, "record 1: unexpected end of file in the header (4 lines)")
    f.case("truncated_counts.sdf", "\n".join(L[:3]) + "\n  3", 4, "record 1: bad counts line '  3' (expected aaabbb... V2000)")
    f.case("counts_text.sdf", with_line(3, "  a  b  0  0  0  0  0  0  0  0999 V2000"), 4, "record 1: bad counts line '  a  b")
    f.case("counts_negative.sdf", with_line(3, " -3  2  0  0  0  0  0  0  0  0999 V2000"), 4, "bad counts line")
    f.case("version_v4000.sdf", with_line(3, "  3  2  0  0  0  0  0  0  0  0999 V4000"), 4, "unsupported CTfile version 'V4000' (expected V2000 or V3000)")
    f.case("counts_lie.sdf", with_line(3, "999  2  0  0  0  0  0  0  0  0999 V2000"), 8, "atom 4 of 999: expected an x coordinate (a finite number), found '1  2  1'")
    f.case("atoms_cut_by_terminator.sdf", "\n".join(L[:5]) + "\n$$$$\n", 6, "record 1: record ends ($$$$) in the atom block")
    f.case("bad_x.sdf", with_line(4, "    0.0zzz    0.0000    0.0000 C   0  0  0"), 5, "atom 1 of 3: expected an x coordinate (a finite number), found '0.0zzz'")
    f.case("nan_y.sdf", with_line(5, "    1.5000       nan    0.0000 C   0  0  0"), 6, "atom 2 of 3: expected a y coordinate (a finite number), found 'nan'")
    f.case("huge_z.sdf", with_line(6, "    2.0000    1.2000 1.0e99999 O   0  0  0"), 7, "expected a z coordinate (a finite number)")
    f.case("no_symbol.sdf", with_line(5, "    1.5000    0.0000    0.0000"), 6, "atom 2 of 3: no element symbol (columns 32-34)")
    f.case("bad_charge.sdf", with_line(4, "    0.0000    0.0000    0.0000 C   0  9  0  0"), 5, "bad charge field 9 (expected 0..7)")
    f.case("bad_mass_difference.sdf", with_line(4, "    0.0000    0.0000    0.0000 C  xx  0  0  0"), 5, "expected a mass difference (columns 35-36) (an integer), found 'xx'")
    f.case("truncated_bonds.sdf", "\n".join(L[:8]) + "\n", 9, "unexpected end of file in the bond block")
    f.case("bond_atom_zero.sdf", with_line(7, "  0  2  1  0"), 8, "bond between atoms 0 and 2: atoms are numbered 1..3")
    f.case("bond_atom_high.sdf", with_line(8, "  2  9  1  0"), 9, "bond between atoms 2 and 9: atoms are numbered 1..3")
    f.case("self_bond.sdf", with_line(8, "  2  2  1  0"), 9, "bond from atom 2 to itself")
    f.case("bond_type_9.sdf", with_line(7, "  1  2  9  0"), 8, "unknown bond type 9 (expected 1, 2, 3 or 4)")
    f.case("query_bond.sdf", with_line(7, "  1  2  8  0"), 8, "unsupported bond type 8 (query bond)")
    f.case("bond_type_text.sdf", with_line(7, "  1  2  x  0"), 8, "expected a bond type (columns 7-9) (an integer), found 'x'")
    f.case("negative_stereo.sdf", with_line(8, "  2  3  1-99"), 9, "bond stereo field -99 is not in 0..255")
    f.case("missing_m_end_eof.sdf", "\n".join(L[:9]) + "\n", 10, "missing \"M  END\" (end of file)")
    f.case("missing_m_end_before_data.sdf", "\n".join(L[:9] + L[10:]), 10, "missing \"M  END\" before '> <logp>'")
    f.case("chg_count_9.sdf", "\n".join(L[:9] + ["M  CHG  9   1   1"] + L[9:]), 10, "entry count 9 is not in 1..8")
    f.case("chg_short.sdf", "\n".join(L[:9] + ["M  CHG  2   1   1"] + L[9:]), 10, "line announces 2 entries, has 1")
    f.case("chg_atom_range.sdf", "\n".join(L[:9] + ["M  CHG  1   7   1"] + L[9:]), 10, "atom 7 out of range (atoms are numbered 1..3)")
    f.case("chg_value.sdf", "\n".join(L[:9] + ["M  CHG  1   1  99"] + L[9:]), 10, "charge 99 is not in -15..15")
    f.case("iso_zero.sdf", "\n".join(L[:9] + ["M  ISO  1   1   0"] + L[9:]), 10, "mass 0 is not in 1..999")
    f.case("rad_value.sdf", "\n".join(L[:9] + ["M  RAD  1   1   7"] + L[9:]), 10, "radical 7 is not in 0..3")
    f.case("data_header_no_name.sdf", with_line(10, "> logp"), 11, "data item header '> logp' has no <NAME>")
    f.case("empty_record.sdf", "$$$$\n" + good, 1, "record 1: empty record (\"$$$$\" where the header was expected)")
    f.case("second_record_broken.sdf", good + with_line(7, "  1  2  7  0"), 22, "record 2: unsupported bond type 7 (query bond)")
    f.case("binary_garbage.sdf", GARBAGE + b"\n" + good.encode(), 1, "unexpected NUL byte")
    f.case("utf16.sdf", good.encode("utf-16"), 1, "UTF-16 (or UTF-32) byte order mark")
    f.done()


V3000_GOOD = """nitromethane
  gatkit

  0  0  0     0  0            999 V3000
M  V30 BEGIN CTAB
M  V30 COUNTS 4 3 0 0 0
M  V30 BEGIN ATOM
M  V30 1 C 0 0 0 0
M  V30 2 N 1.5 0 0 0 CHG=1
M  V30 3 O 2.2 1.1 0 0
M  V30 4 O 2.2 -1.1 0 0 CHG=-1
M  V30 END ATOM
M  V30 BEGIN BOND
M  V30 1 1 1 2
M  V30 2 2 2 3
M  V30 3 1 2 4
M  V30 END BOND
M  V30 END CTAB
M  END
$$$$
"""


def v3000(replace=None, insert=None, cut=None, tail=""):
    lines = V3000_GOOD.split("\n")
    if replace:
        for index, text in replace.items():
            lines[index] = text
    if insert:
        index, text = insert
        lines.insert(index, text)
    if cut is not None:
        lines = lines[:cut]
        return "\n".join(lines) + "\n" + tail
    return "\n".join(lines)


def sdf_v3000():
    f = Format("sdf_v3000")
    f.case("no_begin_ctab.sdf", v3000({4: "M  V30 COUNTS 4 3 0 0 0"}), 5, "expected 'BEGIN CTAB' in the V3000 connection table")
    f.case("no_counts.sdf", v3000({5: "M  V30 BEGIN ATOM"}), 6, "bad counts line 'BEGIN ATOM' (expected \"COUNTS na nb ...\")")
    f.case("counts_text.sdf", v3000({5: "M  V30 COUNTS four 3 0 0 0"}), 6, "bad counts line 'COUNTS four 3 0 0 0'")
    f.case("counts_negative.sdf", v3000({5: "M  V30 COUNTS 4 -3 0 0 0"}), 6, "bad counts line")
    f.case("counts_over_limit.sdf", v3000({5: "M  V30 COUNTS 5000000 3 0 0 0"}), 6,
           "counts line claims 5000000 atoms and 3 bonds, which exceeds the limit of 100000 atoms or bonds per molecule (Limits::max_atoms; raise it with --max-atoms)")
    f.case("counts_lie.sdf", v3000({5: "M  V30 COUNTS 40 3 0 0 0"}), 12, "atom line has 2 fields, expected at least 6")
    f.case("no_begin_atom.sdf", v3000({6: "M  V30 BEGIN ATOMS"}), 7, "expected 'BEGIN ATOM' in the V3000 connection table, found 'BEGIN ATOMS'")
    f.case("atom_few_fields.sdf", v3000({8: "M  V30 2 N 1.5"}), 9, "atom line has 3 fields, expected at least 6 (index type x y z aamap)")
    f.case("atom_index_text.sdf", v3000({8: "M  V30 two N 1.5 0 0 0"}), 9, "expected an atom index (an integer), found 'two'")
    f.case("atom_index_twice.sdf", v3000({9: "M  V30 2 O 2.2 1.1 0 0"}), 10, "atom index 2 appears twice")
    f.case("bad_coordinate.sdf", v3000({7: "M  V30 1 C zero 0 0 0"}), 8, "expected an x coordinate (a finite number), found 'zero'")
    f.case("inf_coordinate.sdf", v3000({7: "M  V30 1 C 0 inf 0 0"}), 8, "expected a y coordinate (a finite number), found 'inf'")
    f.case("charge_range.sdf", v3000({8: "M  V30 2 N 1.5 0 0 0 CHG=99"}), 9, "charge 99 is not in -15..15")
    f.case("charge_text.sdf", v3000({8: "M  V30 2 N 1.5 0 0 0 CHG=plus"}), 9, "expected a charge (CHG=) (an integer), found 'plus'")
    f.case("mass_negative.sdf", v3000({8: "M  V30 2 N 1.5 0 0 0 MASS=-4"}), 9, "mass -4 is not in 0..999")
    f.case("radical_range.sdf", v3000({8: "M  V30 2 N 1.5 0 0 0 RAD=9"}), 9, "radical 9 is not in 0..3")
    f.case("no_end_atom.sdf", v3000({11: "M  V30 BEGIN BOND"}), 12, "expected 'END ATOM' in the V3000 connection table, found 'BEGIN BOND'")
    f.case("truncated_atoms.sdf", v3000(cut=9), 10, "record 1: unexpected end of file in the atom block")
    f.case("bond_unknown_atom.sdf", v3000({14: "M  V30 2 2 2 30"}), 15, "bond 2 refers to atom 30, which is not in the atom block")
    f.case("bond_few_fields.sdf", v3000({14: "M  V30 2 2 2"}), 15, "bond line has 3 fields, expected at least 4 (index type atom1 atom2)")
    f.case("bond_type_9.sdf", v3000({14: "M  V30 2 9 2 3"}), 15, "unknown bond type 9 (expected 1, 2, 3 or 4)")
    f.case("bond_to_itself.sdf", v3000({14: "M  V30 2 2 3 3"}), 15, "bond from atom 3 to itself")
    f.case("no_end_bond.sdf", v3000({16: "M  V30 END CTAB"}), 17, "expected 'END BOND' in the V3000 connection table, found 'END CTAB'")
    f.case("truncated_ctab.sdf", v3000(cut=17), 18, "unexpected end of file in the V3000 connection table")
    f.case("wrong_end.sdf", v3000({17: "M  V30 END SGROUP"}), 18, "expected \"END CTAB\", found 'END SGROUP'")
    f.case("m_end_in_ctab.sdf", v3000({12: "M  END"}), 13, "\"M  END\" in the V3000 connection table")
    f.case("not_v30_line.sdf", v3000({9: "M  V31 3 O 2.2 1.1 0 0"}), 10, "expected a \"M  V30 \" line in the atom block, found 'M  V31 3 O 2.2 1.1 0 0'")
    f.case("missing_m_end.sdf", v3000({18: "> <name>"}), 19, "missing \"M  END\" before '> <name>'")
    f.case("dangling_continuation.sdf", v3000(cut=8, tail="M  V30 2 N 1.5 0 -\n"), 10, "unexpected end of file in the atom block")
    f.case("binary_in_ctab.sdf", v3000(cut=8).encode() + GARBAGE + b"\n", 9, "unexpected NUL byte")
    f.done()


def json_text(entries, extra=None):
    top = {"format": "gatkit-graphs", "version": 1, "graphs": entries}
    if extra:
        top.update(extra)
    return json.dumps(top)


WATER = {"type": "molecule", "id": "w", "atoms": [{"element": "O"}, {"element": "H"}], "bonds": [{"atoms": [0, 1], "order": 1}]}
GRAPH = {"type": "graph", "num_nodes": 3, "node_features": [[1, 0], [0, 1], [1, 1]], "edges": [[0, 1], [1, 2]],
         "edge_features": [[1], [2]], "node_labels": [0, 1, None], "labels": {"y": 1}}


def mol(**changes):
    m = json.loads(json.dumps(WATER))
    m.update(changes)
    return m


def graph(**changes):
    g = json.loads(json.dumps(GRAPH))
    g.update(changes)
    return g


def json_cases():
    f = Format("json")
    f.case("empty.json", "", None, "empty file (expected a gatkit-graphs JSON object)")
    f.case("not_json.json", "hello world\n", 1, "invalid JSON: Invalid value.")
    f.case("truncated.json", json_text([WATER])[:60], 1, "invalid JSON:")
    f.case("top_array.json", "[1, 2]\n", None, "expected a JSON object at the top level, found an array")
    f.case("no_format.json", '{"version": 1, "graphs": []}', None, "missing \"format\"")
    f.case("wrong_format.json", '{"format": "networkx", "version": 1, "graphs": []}', None, "format: expected \"gatkit-graphs\", found \"networkx\"")
    f.case("wrong_version.json", '{"format": "gatkit-graphs", "version": 2, "graphs": []}', None, "version: expected version 1, found 2")
    f.case("graphs_object.json", '{"format": "gatkit-graphs", "version": 1, "graphs": {}}', None, "graphs: expected an array, found an object")
    f.case("entry_number.json", json_text([WATER, 7]), None, "graphs[1]: expected an object, found 7")
    f.case("no_type.json", json_text([{"atoms": []}]), None, "graphs[0]: missing \"type\"")
    f.case("unknown_type.json", json_text([mol(type="protein")]), None, "graphs[0].type: expected \"molecule\" or \"graph\", found \"protein\"")
    f.case("no_atoms.json", json_text([{"type": "molecule"}]), None, "graphs[0]: missing \"atoms\"")
    f.case("bad_element.json", json_text([mol(atoms=[{"element": "O"}, {"element": "Xx"}])]), None,
           "graphs[0].atoms[1].element: expected an element symbol, found \"Xx\"")
    f.case("charge_range.json", json_text([mol(atoms=[{"element": "O", "charge": 99}, {"element": "H"}])]), None,
           "graphs[0].atoms[0].charge: expected charge in [-20, 20], found 99")
    f.case("charge_fraction.json", json_text([mol(atoms=[{"element": "O", "charge": 0.5}, {"element": "H"}])]), None,
           "graphs[0].atoms[0].charge: expected an integer charge, found 0.5")
    f.case("negative_hydrogens.json", json_text([mol(atoms=[{"element": "O", "hydrogens": -1}, {"element": "H"}])]), None,
           "graphs[0].atoms[0].hydrogens: expected hydrogen count in [0, 20], found -1")
    f.case("bond_atom_range.json", json_text([WATER, mol(bonds=[{"atoms": [0, 5], "order": 1}])]), None,
           "graphs[1].bonds[0].atoms[1]: expected atom index in [0, 1], found 5")
    f.case("bond_order.json", json_text([mol(bonds=[{"atoms": [0, 1], "order": 4}])]), None,
           "graphs[0].bonds[0].order: expected a bond order (1, 2, 3, 1.5 or \"aromatic\"), found 4")
    f.case("self_bond.json", json_text([mol(bonds=[{"atoms": [1, 1], "order": 1}])]), None, "graphs[0].bonds[0].atoms: a bond joins atom 1 to itself")
    f.case("property_array.json", json_text([mol(properties={"logp": [1, 2]})]), None,
           "graphs[0].properties.logp: expected a number, string, true, false or null, found an array")
    f.case("negative_nodes.json", json_text([graph(num_nodes=-1)]), None, "graphs[0].num_nodes: expected node count in [0, 2147483647], found -1")
    f.case("nodes_over_limit.json", json_text([{"type": "graph", "num_nodes": 1000000000, "edges": [[0, 1]]}]), None,
           "graphs[0].num_nodes: 1000000000 nodes exceeds the limit of 100000000 nodes (Limits::max_nodes; raise it with --max-nodes)")
    f.case("edge_out_of_range.json", json_text([graph(edges=[[0, 1], [1, 3]])]), None, "graphs[0].edges[1][1]: expected node index in [0, 2], found 3")
    f.case("ragged_features.json", json_text([graph(node_features=[[1, 0], [0], [1, 1]])]), None,
           "graphs[0].node_features[1]: expected 2 values like row 0, found 1 (ragged rows)")
    f.case("feature_rows.json", json_text([graph(node_features=[[1, 0], [0, 1]])]), None,
           "graphs[0].node_features: expected 3 rows (num_nodes), found 2")
    f.case("edge_feature_rows.json", json_text([graph(edge_features=[[1]])]), None, "graphs[0].edge_features: expected 2 rows (one per edge), found 1")
    f.case("label_count.json", json_text([graph(node_labels=[0, 1])]), None, "graphs[0].node_labels: expected 3 labels (num_nodes), found 2")
    f.case("number_too_big.json", json_text([graph(labels={"y": 1})]).replace('"y": 1', '"y": 1e400'), 1, "invalid JSON: Number too big to be stored in double.")
    f.case("too_deep.json", '{"format": "gatkit-graphs", "version": 1, "graphs": [' + "[" * 100 + "]" * 100 + "]}", 1,
           "invalid JSON: nested more than 64 levels deep")
    f.case("bad_utf8.json", json_text([mol(name="caf_")]).encode().replace(b"caf_", b"caf\xe9"), 1, "invalid JSON: Invalid encoding in string.")
    f.case("utf16.json", json_text([WATER]).encode("utf-16"), 1, "UTF-16 (or UTF-32) byte order mark")
    f.case("trailing_text.json", json_text([WATER]) + "\n{}\n", 2, "invalid JSON: unexpected text after the top-level object")
    f.case("binary_garbage.json", GARBAGE, 1, "invalid JSON:")
    f.done()


def read_checkpoint(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[16:24])[0]
    config = json.loads(b[24:24 + n])
    count = struct.unpack("<Q", b[24 + n:32 + n])[0]
    params = b[32 + n:32 + n + 4 * count]
    return config, count, params


def fnv1a(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def container(config, count, params, version=1, config_text=None):
    text = config_text if config_text is not None else json.dumps(config, separators=(",", ":")).encode()
    b = b"GATKITCK" + struct.pack("<II", version, 0) + struct.pack("<Q", len(text)) + text + struct.pack("<Q", count) + params
    return b + struct.pack("<Q", fnv1a(b))


def checkpoint():
    # load_model for node_* files, load_graph_model for graph_* files.
    f = Format("checkpoint")
    corpus = os.path.join(ROOT, "fuzz", "corpus", "checkpoint")
    node_cfg, node_n, node_p = read_checkpoint(os.path.join(corpus, "node_classifier.gatkit"))
    graph_cfg, graph_n, graph_p = read_checkpoint(os.path.join(corpus, "graph_regression.gk"))
    node = container(node_cfg, node_n, node_p)
    graphb = container(graph_cfg, graph_n, graph_p)

    def node_with(change):
        c = json.loads(json.dumps(node_cfg))
        change(c)
        return container(c, node_n, node_p)

    def graph_with(change):
        c = json.loads(json.dumps(graph_cfg))
        change(c)
        return container(c, graph_n, graph_p)

    def fixed(b):  # a correct checksum for already edited bytes
        return b[:-8] + struct.pack("<Q", fnv1a(b[:-8]))

    f.case("node_empty.gatkit", b"", None, "not a gatkit checkpoint (bad magic bytes)")
    f.case("node_other_magic.gatkit", b"PK\x03\x04" + node[4:], None, "not a gatkit checkpoint (bad magic bytes)")
    f.case("node_truncated_header.gatkit", node[:12], None, "truncated checkpoint (header): 12 bytes, the header alone has 24")
    f.case("node_version_2.gatkit", container(node_cfg, node_n, node_p, version=2), None,
           "checkpoint format version 2 is not supported (this gatkit reads version 1)")
    f.case("node_truncated_config.gatkit", node[:100], None, "truncated checkpoint (configuration)")
    f.case("node_config_length_huge.gatkit", node[:16] + struct.pack("<Q", 1 << 62) + node[24:], None, "truncated checkpoint (configuration)")
    cut = 24 + struct.unpack("<Q", node[16:24])[0] + 3
    f.case("node_truncated_count.gatkit", node[:cut], None, "truncated checkpoint (parameter count)")
    f.case("node_truncated_parameters.gatkit", node[:len(node) - 40], None, "truncated or oversized checkpoint")
    f.case("node_no_checksum.gatkit", node[:-8], None, "truncated or oversized checkpoint")
    f.case("node_trailing_bytes.gatkit", node + b"\0" * 16, None, "truncated or oversized checkpoint")
    flipped = bytearray(node)
    flipped[-20] ^= 0x40
    f.case("node_bit_flip.gatkit", bytes(flipped), None, "checkpoint checksum mismatch (the file is corrupt)")
    n_at = 24 + len(json.dumps(node_cfg, separators=(",", ":")).encode())
    lying = bytearray(node)
    lying[n_at:n_at + 8] = struct.pack("<Q", 1 << 60)
    f.case("node_count_lie.gatkit", fixed(bytes(lying)), None, "truncated or oversized checkpoint: 1152921504606846976 parameters declared")
    f.case("node_config_not_json.gatkit", container(None, node_n, node_p, config_text=b"{kind: node_classifier}"), None,
           "corrupt checkpoint configuration (invalid JSON)")
    f.case("node_config_deep.gatkit", container(None, node_n, node_p, config_text=b"[" * 100 + b"]" * 100), None,
           "corrupt checkpoint configuration: JSON nested more than 64 levels deep")
    f.case("node_config_array.gatkit", container(None, node_n, node_p, config_text=b"[1, 2]"), None,
           "corrupt checkpoint configuration: expected a JSON object")
    f.case("node_no_kind.gatkit", node_with(lambda c: c.pop("kind")), None, "corrupt checkpoint configuration: missing config.kind")
    f.case("node_unknown_kind.gatkit", node_with(lambda c: c.update(kind="svm")), None, "kind is not node_classifier")
    f.case("node_is_graph_model.gatkit", graphb, None, "this checkpoint holds a graph-level (molecule) model")
    f.case("node_in_dim_zero.gatkit", node_with(lambda c: c["model"].update(in_dim=0)), None, "config.model.in_dim = 0 is outside [1, 2147483648]")
    f.case("node_layers_text.gatkit", node_with(lambda c: c["model"].update(layers="two")), None, "config.model.layers is not an integer")
    f.case("node_heads_huge.gatkit", node_with(lambda c: c["model"].update(heads=1 << 40)), None, "config.model.heads = 1099511627776 is outside")
    f.case("node_hidden_changed.gatkit", node_with(lambda c: c["model"].update(hidden=c["model"]["hidden"] + 1)), None,
           "parameters, its configuration needs")
    f.case("node_class_names.gatkit", node_with(lambda c: c.update(class_names=c["class_names"][:-1])), None, "class_names has")
    f.case("node_attention.gatkit", node_with(lambda c: c["model"].update(attention="cosine")), None, "cosine")
    nan_params = bytearray(node_p)
    nan_params[8:12] = struct.pack("<f", float("nan"))
    f.case("node_nan_parameter.gatkit", container(node_cfg, node_n, bytes(nan_params)), None,
           "parameter 2 of %d is NaN (a poisoned model; retrain it)" % node_n)
    f.case("graph_is_node_model.gatkit", node, None, "node_classifier")
    f.case("graph_readout.gatkit", graph_with(lambda c: c["model"].update(readout="median")), None, "config.model.readout")
    f.case("graph_task.gatkit", graph_with(lambda c: c.update(task="ranking")), None, "ranking")
    f.case("graph_std_zero.gatkit", graph_with(lambda c: c.update(target_std=[0.0])), None, "standard deviations positive")
    f.case("graph_missing_mean.gatkit", graph_with(lambda c: c.pop("target_mean")), None, "missing config.target_mean")
    f.case("graph_features_changed.gatkit", graph_with(lambda c: c["featurizer"]["atom_features"].reverse()), None, "atom_features")
    f.done()


if __name__ == "__main__":
    edge_list()
    svmlight()
    split()
    linqs()
    npy()
    sdf_v2000()
    sdf_v3000()
    json_cases()
    checkpoint()
