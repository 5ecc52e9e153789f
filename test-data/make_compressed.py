"""Writes compressed.h5: the same known int16/float32 arrays stored plain, gzip- and
LZF-compressed, the way MintPy stores them (h5py's built-in lzf filter). Tests read it and
compare every copy with the formula below. Run: python3 make_compressed.py (needs h5py)."""
import h5py
import numpy as np

k, l, w = 5, 13, 17
i = np.arange(k * l * w).reshape(k, l, w)
cc = ((i * 7) % 11 - 2).astype(np.int16)          # connectComponent-like labels, some 0/-ve
ph = (np.sin(i * 0.1) * 3.0).astype(np.float32)   # phase-like values
with h5py.File("compressed.h5", "w") as f:
    f.attrs["FILE_TYPE"] = "ifgramStack"
    f.attrs["LENGTH"] = str(l)
    f.attrs["WIDTH"] = str(w)
    f.create_dataset("cc_plain", data=cc)
    f.create_dataset("cc_lzf", data=cc, chunks=(2, 5, 17), compression="lzf")
    f.create_dataset("cc_gzip", data=cc, chunks=(2, 5, 17), compression="gzip", compression_opts=4)
    f.create_dataset("ph_lzf", data=ph, chunks=(1, 13, 17), compression="lzf")
    f.create_dataset("ph_gzip", data=ph, chunks=(1, 4, 17), compression="gzip")
    f.create_dataset("drop", data=np.array([True, False, True, True, False]))
    f.create_dataset("date", data=np.array([[b"20200101", b"20200113"]] * k, dtype="S8"))
