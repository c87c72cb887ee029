"""Random training steps through the whole tool chain (issue 14, point 8).

* :mod:`mpt.harness.generate`: seeded random valid FP32 training steps (specs).
* :mod:`mpt.harness.loop`: the hand-written ``scf.for`` template.
* :mod:`mpt.harness.numerics`: the FP64 reference and precision-derived bounds.
* :mod:`mpt.harness.check`: one graph through mpt-opt, mpt-compile and mpt-run.
* :mod:`mpt.harness.minimize`: shrinking a failing spec.
* ``python -m mpt.harness``: the driver (docs/reliability.md).
"""
