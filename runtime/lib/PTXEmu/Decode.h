//===- Decode.h - A parsed instruction to a pre-decoded Inst ---*- C++ -*-===//

#ifndef MPT_RUNTIME_PTXEMU_DECODE_H
#define MPT_RUNTIME_PTXEMU_DECODE_H

#include "FunctionBuilder.h"
#include "Internal.h"
#include "Lexer.h"

#include <string>

namespace mpt {
namespace ptxemu {
namespace detail {

/// Decodes `pi` into `in` (a handler specialised for its opcode, types and
/// modifiers, and its operands as slots) with the family decoders
/// (decodeControl, decodeIntArith, ...). An instruction the emulator does
/// not implement becomes Ctl::Unsupported with a note, and parsing goes on;
/// an error in the PTX itself (an undeclared register or symbol) is
/// returned in `diag` (false).
bool decodeInstruction(FunctionBuilder &fb, ParsedInst &pi, Inst &in,
                       ParseDiag &diag);

/// The predicate register `name` as a guard: its index in `out`, or false
/// with `diag` (undeclared, or not a predicate).
bool guardPredicate(FunctionBuilder &fb, const std::string &name, int32_t &out,
                    ParseDiag &diag);

} // namespace detail
} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_DECODE_H
