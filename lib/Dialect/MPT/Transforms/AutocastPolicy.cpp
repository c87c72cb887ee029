//===- AutocastPolicy.cpp - placeholder ------------------------------------===//
