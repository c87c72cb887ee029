//===- ToolSupport.cpp - Errors, numbers and times of mpt-run -------------===//

#include "ToolSupport.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

using namespace mpt;

bool tool::barOpen = false;
std::string tool::errorPrefix;
void (*tool::abortJob)(int code) = nullptr;

void tool::die(const std::string &message, int code) {
  if (barOpen) { // finish the bar's line so the error stands on its own
    std::printf("\n");
    std::fflush(stdout);
  }
  std::fprintf(stderr, "mpt-run: error: %s%s\n", errorPrefix.c_str(),
               message.c_str());
  std::fflush(stderr);
  if (abortJob)
    abortJob(code);
  std::exit(code);
}

void tool::usageError(const std::string &message) {
  std::fprintf(stderr, "mpt-run: error: %s\n(see mpt-run --help)\n",
               message.c_str());
  std::exit(2);
}

void tool::orDie(const rt::Status &st) {
  if (st.failed())
    die(st.message());
}

bool tool::parseInt(const std::string &s, int64_t &out) {
  if (s.empty())
    return false;
  char *end;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end || errno)
    return false;
  out = v;
  return true;
}

bool tool::parseU64(const std::string &s, uint64_t &out) {
  if (s.empty() || s[0] == '-')
    return false;
  char *end;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (*end || errno)
    return false;
  out = v;
  return true;
}

std::string tool::fmtNum(double v, const char *fmt) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

double tool::seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}
