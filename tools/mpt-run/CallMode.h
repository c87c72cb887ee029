//===- CallMode.h - mpt-run --call: run any function once -------*- C++ -*-===//

#ifndef MPT_TOOLS_MPT_RUN_CALLMODE_H
#define MPT_TOOLS_MPT_RUN_CALLMODE_H

/// Whether the command line asks for --call mode.
bool isCallMode(int argc, char **argv);

/// `mpt-run model.mpt --call=NAME [--device=D] [--input=ARG=FILE.npy]...
/// --output-dir=DIR`: runs the function once and writes every result as
/// DIR/<name or index>.npy. Returns the exit status.
int runCallMode(int argc, char **argv);

#endif // MPT_TOOLS_MPT_RUN_CALLMODE_H
