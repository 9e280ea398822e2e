"""Machine translation engines behind one small protocol (see :mod:`pubkit.mt.base`)."""
