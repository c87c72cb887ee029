#!/usr/bin/env python3
"""splice.py MODULE EXTRA: print MODULE (mpt-opt output, one `module { ... }`)
with the functions of EXTRA added inside it.

Integration tests run a pass that changes a step's signature, then add a
@main written against the new signature (it could not be in the input: its
calls would not verify before the pass)."""
import sys

module = open(sys.argv[1]).read().rstrip()
extra = open(sys.argv[2]).read()
if not module.endswith("}"):
    sys.exit(f"splice.py: {sys.argv[1]} does not end with a module's closing brace")
sys.stdout.write(module[:-1] + extra + "\n}\n")
