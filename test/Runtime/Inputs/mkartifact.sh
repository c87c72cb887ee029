#!/bin/sh
# mkartifact.sh CC MPT-ARTIFACT NAME OUT [SIG]: builds the test step NAME.c,
# with the ABI record of SIG.json (default NAME.json; mpt-artifact
# abi-source), into a shared object exporting only mpt_* and packs it with
# that table into OUT.
set -e
here=$(dirname "$0")
cc=$1 tool=$2 name=$3 out=$4 sig=${5:-$3}
"$tool" abi-source "$here/$sig.json" -o "$out.abi.c"
"$cc" -O2 -shared -fPIC -Wl,--version-script="$here/exports.map" \
  "$here/$name.c" "$out.abi.c" -o "$out.so" -lm
"$tool" pack --signature "$here/$sig.json" --native "$out.so" -o "$out"
rm -f "$out.so" "$out.abi.c"
