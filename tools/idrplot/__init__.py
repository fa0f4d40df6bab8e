"""The iondrift plot tool: one figure per kind of result file (docs/plots.md).
Only numpy, h5py and matplotlib (Debian's python3-* packages) are needed."""
