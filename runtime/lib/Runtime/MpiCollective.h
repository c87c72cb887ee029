//===- MpiCollective.h - The MPI backend of Collective ---------*- C++ -*-===//
//
// Open MPI's libmpi.so.40 loaded with dlopen (no mpi.h at build time and no
// link-time dependency): the few entry points and the predefined handles
// (`ompi_mpi_comm_world`, `ompi_mpi_byte`, `ompi_mpi_errors_return`, which
// Open MPI's mpi.h takes the addresses of) are looked up at run time.
// $MPT_MPI_LIBRARY names another library to load.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LIB_RUNTIME_MPICOLLECTIVE_H
#define MPT_RUNTIME_LIB_RUNTIME_MPICOLLECTIVE_H

#include "mpt-runtime/Collective.h"

namespace mpt {
namespace rt {

/// MPI_Init (once per process) and MPI_COMM_WORLD's rank and size; errors
/// name the library and what to install.
Expected<std::unique_ptr<Collective>> createMpiCollective();

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LIB_RUNTIME_MPICOLLECTIVE_H
