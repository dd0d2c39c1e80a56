#!/usr/bin/env python3
"""Writes the golden .npy files of this folder with the standard library only (no numpy needed).

The bytes follow the NumPy format specification (numpy/lib/format.py): magic "\\x93NUMPY", version,
little-endian header length, a Python dict literal padded with spaces to a multiple of 64 bytes and
ending in a newline, then the C-order data. Run from this folder: python3 make_npy.py
"""
import struct
import sys


def npy(version, header, fmt, values):
    length_bytes = 2 if version == 1 else 4
    prefix = 6 + 2 + length_bytes
    header = header + " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    out = b"\x93NUMPY" + bytes([version, 0])
    out += struct.pack("<H" if version == 1 else "<I", len(header))
    out += header.encode("utf-8" if version == 3 else "latin1")
    out += struct.pack("<%d%s" % (len(values), fmt), *values)
    return out


FILES = {
    "f4_2x3_v1.npy": npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", "f",
                         [1, 2, 3, 4, 5, 6.5]),
    "f8_3x2_v2.npy": npy(2, "{'shape': (3, 2), 'fortran_order': False, 'descr': '<f8'}", "d",
                         [0.5, -1, 2, 3, 1e-3, 4]),
    "f4_vector.npy": npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", "f",
                         [1, -2, 3, 0.25]),
    "f4_py2_long.npy": npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }", "f",
                           [1, 2, 3, 4]),
    "i8_labels.npy": npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", "q",
                         [0, 1, -1, 2]),
    "u1_v3.npy": npy(3, '{"descr": "|u1", "fortran_order": False, "shape": (3,)}', "B", [3, 255, 0]),
    "i2_column.npy": npy(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (3, 1), }", "h",
                         [-2, 300, 7]),
    "u4_scalar.npy": npy(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (), }", "I", [4000000000]),
    "fortran.npy": npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", "f", [1, 2, 3, 4]),
    "big_endian.npy": npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "f", [1, 2]),
    "huge_shape.npy": npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }",
                          "f", [1, 2]),
    "overflow_shape.npy": npy(1, "{'descr': '<f8', 'fortran_order': False, "
                                 "'shape': (4294967296, 4294967296, 4294967296), }", "d", [1]),
    "truncated.npy": npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", "f",
                         [1, 2, 3, 4, 5, 6, 7, 8]),
    "int_as_matrix.npy": npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", "i",
                             [1, 2, 3, 4]),
    "f8_nan.npy": npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", "d",
                      [1, 2, float("nan"), 4]),
    "c16.npy": npy(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", "d", [1, 2]),
}

# A header length beyond the 64 KiB cap (the file is short: the cap must be checked before reading).
FILES["huge_header.npy"] = b"\x93NUMPY\x02\x00" + struct.pack("<I", 0x7FFFFFFF) + b"{'descr'"

if __name__ == "__main__":
    for name, data in FILES.items():
        with open(name, "wb") as f:
            f.write(data)
    sys.exit(0)
