#!/usr/bin/env python3
"""Fixtures for MindSpace's .npy/.npz readers and .npy writer, written by NumPy itself.

Run:  /work/venv-peers/bin/python make_fixtures.py   (writes next to this script)

Produces
- valid .npy files of every supported dtype (little and big endian), Fortran order, format
  versions 2.0 and 3.0, 3-D, 1-D, scalar and empty arrays;
- valid NumPy files MindSpace must refuse (object, unicode, bytes, complex, structured,
  datetime, long double);
- malformed .npy files crafted byte by byte (bad magic, truncated header/data, trailing data,
  bad dict literal, negative or overflowing shapes, missing/extra keys, unknown version);
- .npz archives from np.savez / np.savez_compressed, a zip64 archive built by hand (checked by
  reading it back with np.load), and malformed archives (bad CRC, truncated central directory,
  encryption flag, unsupported method, bad offsets, duplicate members);
- reference files for the writer (np.save of matrices whose values the Swift tests recompute);
- expected.json: for each valid file, dtype, shape, byte order, storage order and the values in
  C order as float64 written with float.hex() (exact, including inf and nan);
- VERSIONS.txt: the Python and NumPy versions that made all this.
"""
import io
import json
import os
import platform
import struct
import sys
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
expected = {"npy": {}, "npz": {}}


def path(name):
    return os.path.join(HERE, name)


def record(array):
    """What the Swift tests compare against: exact float64 values in C order."""
    order = "big" if array.dtype.byteorder == ">" else "little"
    if array.dtype.itemsize == 1:
        order = "any"
    return {
        "dtype": array.dtype.name,
        "shape": list(array.shape),
        "byte_order": order,
        "fortran_order": bool(array.flags.f_contiguous and not array.flags.c_contiguous),
        "values": [float(v).hex() for v in np.asarray(array, dtype=np.float64).ravel(order="C")],
    }


def save_npy(name, array, version=None):
    with open(path(name), "wb") as handle:
        np.lib.format.write_array(handle, array, version=version)
    back = np.load(path(name))
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=back.dtype.kind == "f")
    expected["npy"][name] = record(array)


def write_bytes(name, data):
    with open(path(name), "wb") as handle:
        handle.write(data)


# ---------------------------------------------------------------------------------------------
# Valid arrays: every supported dtype, both byte orders.
f16_values = [0.0, -0.0, 1.0, -2.0, 65504.0, -65504.0, 2.0 ** -24, 2.0 ** -14, 0.1, 1 / 3, np.inf, np.nan]
f32_values = [0.0, -0.0, 1.0, -2.5, np.float32(3.4028235e38), np.float32(1e-45), np.float32(1.17549435e-38),
              np.float32(0.1), np.float32(np.pi), -np.inf, np.nan, 16777217.0]
f64_values = [0.0, -0.0, 1.0, -2.5, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 0.1, np.pi,
              np.inf, np.nan, 1 / 3]
int_values = {
    "i1": [-128, 127, 0, -1, 1, 2, -2, 100, -100, 55, 66, 77],
    "i2": [-32768, 32767, 0, -1, 1, 2, -2, 1000, -1000, 55, 66, 77],
    "i4": [-2 ** 31, 2 ** 31 - 1, 0, -1, 1, 2, -2, 16777217, -16777217, 55, 66, 77],
    "i8": [-2 ** 63, 2 ** 63 - 1, 0, -1, 1, 2 ** 53 + 1, -(2 ** 53) - 1, 2 ** 62, -(2 ** 62), 55, 66, 77],
    "u1": [0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 128],
    "u2": [0, 65535, 1, 2, 3, 4, 5, 6, 7, 8, 9, 32768],
    "u4": [0, 2 ** 32 - 1, 1, 2, 3, 4, 5, 6, 7, 8, 16777217, 2 ** 31],
    "u8": [0, 2 ** 64 - 1, 1, 2 ** 53 + 1, 3, 4, 5, 6, 7, 8, 9, 2 ** 63],
}
for code, values in [("f2", f16_values), ("f4", f32_values), ("f8", f64_values)] + list(int_values.items()):
    array = np.array(values, dtype="<" + code).reshape(3, 4)
    save_npy(f"{code}_le.npy", array)
    if code not in ("i1", "u1"):
        save_npy(f"{code}_be.npy", array.astype(">" + code))
save_npy("b1.npy", np.array([True, False, True, True, False, False]).reshape(2, 3))

# Layouts and versions.
matrix = np.arange(12, dtype=np.float64).reshape(3, 4) * 0.5 - 1
save_npy("fortran_f8.npy", np.asfortranarray(matrix))
save_npy("fortran_i2_be.npy", np.asfortranarray(np.arange(15, dtype=">i2").reshape(5, 3) - 7))
save_npy("v2_f4.npy", matrix.astype(np.float32), version=(2, 0))
save_npy("v3_f8.npy", matrix, version=(3, 0))
save_npy("rank3_f4.npy", (np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 5) / 4)
save_npy("rank1_f8.npy", np.array([1.5, -2.25, 0.0, 1e10, -3.0]))
save_npy("scalar_f8.npy", np.array(2.5))
save_npy("empty_f8.npy", np.zeros((0, 3)))

# Valid NumPy files with dtypes MindSpace refuses.
refused = {
    "object.npy": np.array([1, "a", None], dtype=object),
    "unicode.npy": np.array(["ab", "c"]),
    "bytes.npy": np.array([b"ab", b"c"]),
    "complex.npy": np.array([1 + 2j, 3 - 4j]),
    "structured.npy": np.array([(1.0, 2), (3.0, 4)], dtype=[("a", "<f4"), ("b", "<i4")]),
    "datetime.npy": np.array(["2020-01-01", "2021-06-30"], dtype="M8[D]"),
    "longdouble.npy": np.array([1.0, 2.0], dtype=np.longdouble),
}
for name, array in refused.items():
    with open(path(name), "wb") as handle:
        np.lib.format.write_array(handle, array, allow_pickle=True)

# Writer references: the Swift tests encode the same values and compare bytes.
np.save(path("writer_f8_3x4.npy"), matrix)
np.save(path("writer_f4_2x3.npy"), np.array([[0.5, -1.25, 3.0], [1e-3, 7.0, -0.0]], dtype=np.float32))
np.save(path("writer_vector_f8.npy"), np.arange(5) * 0.25)
np.save(path("writer_wide_first_dim.npy"), np.zeros((1234567, 0)))
np.save(path("writer_empty_vector.npy"), np.zeros(0))

# ---------------------------------------------------------------------------------------------
# Malformed .npy files, crafted byte by byte.
def npy_bytes(header, data=b"", version=(1, 0)):
    """A .npy image with `header` (a str) padded like NumPy pads it."""
    text = header.encode("utf-8" if version == (3, 0) else "latin1")
    size_format = "<H" if version == (1, 0) else "<I"
    prefix = 6 + 2 + struct.calcsize(size_format)
    padding = 64 - (prefix + len(text) + 1) % 64
    text += b" " * padding + b"\n"
    return b"\x93NUMPY" + bytes(version) + struct.pack(size_format, len(text)) + text + data


good = open(path("writer_f8_3x4.npy"), "rb").read()
payload = matrix.tobytes()
write_bytes("bad_magic.npy", b"\x93NUMPX" + good[6:])
write_bytes("too_short.npy", good[:5])
write_bytes("truncated_header.npy", good[:40])
write_bytes("truncated_data.npy", good[:-8])
write_bytes("trailing_data.npy", good + b"\x00" * 8)
write_bytes("version9.npy", good[:6] + bytes([9, 0]) + good[8:])
write_bytes("header_length_past_end.npy", good[:8] + struct.pack("<H", 60000) + good[10:])
write_bytes("bad_literal.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4}", payload))
write_bytes("unclosed_string.npy", npy_bytes("{'descr': '<f8, 'fortran_order': False, 'shape': (3, 4), }", payload))
write_bytes("eval_attempt.npy", npy_bytes("{'descr': __import__('os').getcwd(), 'fortran_order': False, 'shape': (3, 4), }", payload))
write_bytes("negative_shape.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 4), }", payload))
write_bytes("overflow_shape.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", payload))
write_bytes("huge_integer_shape.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (123456789012345678901234567890,), }", payload))
write_bytes("float_shape.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3.0, 4), }", payload))
write_bytes("missing_key.npy", npy_bytes("{'descr': '<f8', 'shape': (3, 4), }", payload))
write_bytes("extra_key.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), 'extra': 1, }", payload))
write_bytes("duplicate_key.npy", npy_bytes("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", payload))
write_bytes("not_a_dict.npy", npy_bytes("['descr', '<f8']", payload))
write_bytes("fortran_not_bool.npy", npy_bytes("{'descr': '<f8', 'fortran_order': 0, 'shape': (3, 4), }", payload))
write_bytes("deep_nesting.npy", npy_bytes("{'descr': " + "(" * 40 + ")" * 40 + ", 'fortran_order': False, 'shape': (3, 4), }", payload))
write_bytes("bad_utf8_v3.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", payload, (3, 0))
            .replace(b"'<f8'", b"'\xff\xfe8'"))

# Literal forms NumPy accepts that MindSpace must accept too (hand-written headers).
oddities = {
    "literal_double_quotes.npy": ('{"descr": "<f8", "fortran_order": False, "shape": (3, 4)}', matrix, False),
    "literal_python2_long.npy": ("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }", matrix, False),
    "literal_newlines.npy": ("{\n 'shape' : ( 3 ,\n 4 , ) ,\n\t'fortran_order':True,'descr':'<f8'\n}", np.asfortranarray(matrix), True),
    "literal_native_order.npy": ("{'descr': '=f8', 'fortran_order': False, 'shape': (3, 4), }", matrix, False),
    "literal_bool_question_mark.npy": ("{'descr': '|?', 'fortran_order': False, 'shape': (2, 3), }",
                                       np.array([[True, False, True], [False, False, True]]), False),
}
assert sys.byteorder == "little"
for name, (header, array, fortran) in oddities.items():
    write_bytes(name, npy_bytes(header, array.tobytes(order="F" if fortran else "C")))
    back = np.load(path(name))
    assert np.array_equal(back, array), name
    expected["npy"][name] = record(array)

# ---------------------------------------------------------------------------------------------
# .npz archives.
def record_npz(name):
    with np.load(path(name)) as archive:
        arrays = [(key, archive[key]) for key in archive.files]
        expected["npz"][name] = [dict(record(value), name=key) for key, value in arrays if isinstance(value, np.ndarray)]


np.savez(path("stored.npz"), a=matrix, b=np.array([[1, -2], [3, -4]], dtype=np.int16))
np.savez_compressed(path("compressed.npz"), x=matrix.astype(np.float32), y=np.array([0.5, -1.0, 65504.0], dtype=np.float16))
np.savez(path("several.npz"), matrix, np.asfortranarray(matrix.T), np.arange(6, dtype=">u4").reshape(2, 3),
         np.array([True, False]))
np.savez_compressed(path("large_compressed.npz"), big=np.arange(12000, dtype=np.float64).reshape(1000, 12) * 0.5)
np.savez(path("empty.npz"))
for name in ["stored.npz", "compressed.npz", "several.npz", "empty.npz"]:
    record_npz(name)
# large_compressed.npz (96 000 bytes uncompressed, more than the 64 KiB header window) is checked
# analytically by the tests: element k equals k * 0.5.


def npy_of(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


with zipfile.ZipFile(path("with_text.npz"), "w") as archive:
    archive.writestr("notes.txt", "not an array")
    archive.writestr("folder/", "")
    archive.writestr("folder/m.npy", npy_of(matrix))
record_npz("with_text.npz")
with zipfile.ZipFile(path("only_text.npz"), "w") as archive:
    archive.writestr("readme.txt", "no arrays here")
with zipfile.ZipFile(path("truncated_member.npz"), "w") as archive:
    archive.writestr("short.npy", good[:-16])
with zipfile.ZipFile(path("duplicate.npz"), "w") as archive:
    archive.writestr("a.npy", good)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        archive.writestr("a.npy", good)


def zip64_archive(member_name, member):
    """A one-member stored archive whose central directory uses zip64 for every size and offset."""
    name = member_name.encode()
    crc = zlib.crc32(member) & 0xFFFFFFFF
    local_extra = struct.pack("<HHQQ", 1, 16, len(member), len(member))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                        len(name), len(local_extra)) + name + local_extra
    central_extra = struct.pack("<HHQQQ", 1, 24, len(member), len(member), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                          len(name), len(central_extra), 0, 0, 0, 0, 0xFFFFFFFF) + name + central_extra
    directory_offset = len(local) + len(member)
    zip64_end_offset = directory_offset + len(central)
    zip64_end = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1, 1, len(central), directory_offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, zip64_end_offset, 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return local + member + central + zip64_end + locator + end


write_bytes("zip64.npz", zip64_archive("z.npy", npy_of(matrix)))
with zipfile.ZipFile(path("zip64.npz")) as archive:  # the standard library agrees it is valid
    assert archive.testzip() is None
record_npz("zip64.npz")
assert expected["npz"]["zip64.npz"][0]["name"] == "z"


def patched(source, edits):
    """Bytes of `source` with struct-packed values written at offsets: [(offset, fmt, value)]."""
    data = bytearray(open(path(source), "rb").read())
    for offset, fmt, value in edits:
        struct.pack_into(fmt, data, offset, value)
    return bytes(data)


def directory_offsets(source):
    """Offsets of each central directory entry and local header of `source`, in archive order."""
    data = open(path(source), "rb").read()
    with zipfile.ZipFile(path(source)) as archive:
        infos = archive.infolist()
    start = data.rindex(b"PK\x05\x06")
    directory_offset = struct.unpack_from("<I", data, start + 16)[0]
    central, position = [], directory_offset
    for _ in infos:
        central.append(position)
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        position += 46 + name_length + extra_length + comment_length
    return central, [info.header_offset for info in infos], infos


central, local, infos = directory_offsets("compressed.npz")
write_bytes("bad_crc.npz", patched("compressed.npz", [(central[0] + 16, "<I", infos[0].CRC ^ 1), (local[0] + 14, "<I", infos[0].CRC ^ 1)]))
central, local, infos = directory_offsets("large_compressed.npz")
write_bytes("bad_crc_large.npz", patched("large_compressed.npz", [(central[0] + 16, "<I", infos[0].CRC ^ 1), (local[0] + 14, "<I", infos[0].CRC ^ 1)]))
corrupt = bytearray(open(path("large_compressed.npz"), "rb").read())
data_start = local[0] + 30 + len(infos[0].filename) + struct.unpack_from("<H", corrupt, local[0] + 28)[0]
for i in range(infos[0].compress_size - 300, infos[0].compress_size - 240):  # late: past the header window
    corrupt[data_start + i] ^= 0x5A
write_bytes("corrupt_deflate_large.npz", bytes(corrupt))

central, local, infos = directory_offsets("stored.npz")
stored = open(path("stored.npz"), "rb").read()
write_bytes("truncated_directory.npz", stored[: central[1] + 20])
write_bytes("encrypted.npz", patched("stored.npz", [(central[0] + 8, "<H", 1), (local[0] + 6, "<H", 1)]))
write_bytes("bzip2.npz", patched("stored.npz", [(central[0] + 10, "<H", 12), (local[0] + 8, "<H", 12)]))
write_bytes("bad_local_offset.npz", patched("stored.npz", [(central[1] + 42, "<I", len(stored) - 10)]))
end = stored.rindex(b"PK\x05\x06")
write_bytes("too_many_entries.npz", patched("stored.npz", [(end + 8, "<H", 500), (end + 10, "<H", 500)]))
write_bytes("not_a_zip.npz", good)

for name, data in [("bad_crc.npz", None), ("bad_crc_large.npz", None), ("corrupt_deflate_large.npz", None),
                   ("encrypted.npz", None), ("bzip2.npz", None), ("truncated_directory.npz", None)]:
    try:  # NumPy / zipfile must also reject these (or fail on reading the members)
        with np.load(path(name)) as archive:
            for key in archive.files:
                archive[key]
    except Exception:
        continue
    raise AssertionError(f"numpy accepted {name}")

with open(path("expected.json"), "w") as handle:
    json.dump(expected, handle, indent=1, sort_keys=True)
with open(path("VERSIONS.txt"), "w") as handle:
    handle.write(f"python=={platform.python_version()}\nnumpy=={np.__version__}\n")
    handle.write(f"platform=={platform.platform()}\nbyteorder=={sys.byteorder}\n")
print("ok", len(os.listdir(HERE)), "files")
