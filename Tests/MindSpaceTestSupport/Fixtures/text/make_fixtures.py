"""Writes the delimited-text fixtures for DelimitedTextReaderTests and GroupLabelsReaderTests.

Run from anywhere:  /work/venv-peers/bin/python make_fixtures.py
The good files' values are parsed back here with numpy.loadtxt (an independent parser) and stored
in expected.json as Python repr strings, so the Swift tests compare bit for bit; labels are read
back with Python's csv module. VERSIONS.txt records python and numpy.
"""
import csv
import io
import json
import os
import platform

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, text, bom=False, newline="\n"):
    data = text.replace("\n", newline).encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def points():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((6, 4))
    x[0, 0] = 1e-300     # tiny, needs the library fallback
    x[0, 1] = 123456789.0
    x[1, 2] = -0.0
    x[2, 3] = 2.5e+22
    rows = []
    for i, row in enumerate(x):
        # Mix the formats real exports use: numpy's %.18e, Python repr, float32 repr, %g.
        fmt = ["%.18e", "%r", "%.9g", "%g", "%.17g", "%.18e"][i]
        rows.append([fmt % v if fmt != "%r" else repr(float(v)) for v in row])
    return rows


def main():
    rows = points()
    body = "\n".join("\t".join(r) for r in rows) + "\n"
    write("points.tsv", body)
    write("points_header.tsv", "alpha\tbeta\tgamma\tdelta\n" + body)
    csv_body = "\n".join(", ".join(r) for r in rows) + "\n\n\n"
    write("points_bom_crlf.csv", "a,b,c,d\n" + csv_body, bom=True, newline="\r\n")
    write("nonfinite.tsv", "1\tnan\n-inf\tinf\nNaN\t-Infinity\n")
    write("single_column.tsv", "3.5\n-1\n2e-3\n")
    write("ragged.tsv", "1\t2\t3\n4\t5\t6\n7\t8\n9\t10\t11\n")
    write("bad_cell.csv", "x,y\n1,2\n3,4\n5,abc\n")
    write("empty_cell.tsv", "1\t2\n3\t\n")
    write("blank_middle.tsv", "1\t2\n\n3\t4\n")
    write("empty.tsv", "")
    write("header_only.csv", "a,b,c\n")

    labels = ["cat", "dog", "cat", "bird", "label", ""]
    write("metadata_single.tsv", "\n".join(labels[:5]) + "\n")
    write("metadata_multi.tsv", "label\tsource\tsplit\ncat\tweb\ttrain\ndog\tbooks\ttest\n"
          "cat\tweb\ttrain\nbird\t\ttest\n", bom=True, newline="\r\n")
    write("metadata_ragged.tsv", "label\tsource\ncat\tweb\ndog\n")
    write("metadata_single_ragged.tsv", "cat\ndog\tweb\n")

    expected = {}
    for name, delimiter, skip in [("points.tsv", "\t", 0), ("points_header.tsv", "\t", 1),
                                  ("points_bom_crlf.csv", ",", 1), ("nonfinite.tsv", "\t", 0),
                                  ("single_column.tsv", "\t", 0)]:
        with open(os.path.join(HERE, name), encoding="utf-8-sig") as f:
            array = np.loadtxt(f, delimiter=delimiter, skiprows=skip, ndmin=2)
        expected[name] = {"shape": list(array.shape), "values": [repr(float(v)) for v in array.ravel()]}
    for name in ["metadata_single.tsv", "metadata_multi.tsv"]:
        with open(os.path.join(HERE, name), encoding="utf-8-sig", newline="") as f:
            table = list(csv.reader(io.StringIO(f.read()), delimiter="\t"))
        if len(table[0]) == 1:
            expected[name] = {"labels": [r[0] for r in table]}
        else:
            expected[name] = {"columns": table[0],
                              "labels": {c: [r[i] for r in table[1:]] for i, c in enumerate(table[0])}}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "VERSIONS.txt"), "w") as f:
        f.write(f"python=={platform.python_version()}\nnumpy=={np.__version__}\n")


if __name__ == "__main__":
    main()
