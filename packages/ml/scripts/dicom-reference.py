"""Reference decodes of pydicom's own DICOM test files, for src/data/dicom.test.ts.

Prints one JSON object: the test_files directory of the installed pydicom wheel and, for each file
named on the command line, its shape and the sha256 of pixel_array after pydicom.pixels.apply_rescale
(the modality rescale), as float64 little-endian bytes in C order, with min and max. The test decodes
the same files with decodeDicom and compares. Run with the project venv (infra/setup.sh installs it).
"""
import hashlib
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.pixels import apply_rescale

directory = os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files")
files = {}
for name in sys.argv[1:]:
    ds = pydicom.dcmread(os.path.join(directory, name))
    values = np.ascontiguousarray(apply_rescale(ds.pixel_array, ds), dtype="<f8")
    files[name] = {
        "shape": list(values.shape),
        "sha256": hashlib.sha256(values.tobytes()).hexdigest(),
        "min": float(values.min()),
        "max": float(values.max()),
    }
print(json.dumps({"pydicom": pydicom.__version__, "directory": directory, "files": files}))
