//===- Progress.cpp - mpt-run's progress output ---------------------------===//

#include "Progress.h"
#include "ToolSupport.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace mpt;
using namespace mpt::tool;

Progress::Progress(std::string mode, int64_t logEvery, int64_t first,
                   int64_t steps)
    : first_(first), total_(steps), mode_(std::move(mode)) {
  if (mode_ == "auto")
    mode_ = ::isatty(STDOUT_FILENO) ? "bar" : "lines";
  every_ = logEvery ? logEvery : std::max<int64_t>(1, (steps + 49) / 50);
}

void Progress::update(int64_t done, const rt::StepResult &r, int64_t skipped,
                      double meanMs) {
  if (mode_ == "none")
    return;
  if (mode_ == "lines") {
    // The first, every K-th, the last and every skipped step.
    if (done % every_ && done != 1 && done != total_ && !r.skipped)
      return;
    line(r, skipped, meanMs);
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (done != total_ && done != 1 &&
      now - lastDraw_ < std::chrono::milliseconds(100))
    return;
  lastDraw_ = now;
  bar(done, r, skipped, meanMs);
}

void Progress::line(const rt::StepResult &r, int64_t skipped, double meanMs) {
  std::string scale = r.scale ? fmtNum(*r.scale, "%g") : "-";
  std::printf("step %llu/%llu  loss %s  scale %s  skipped %lld%s  "
              "%.3f ms/step\n",
              static_cast<unsigned long long>(r.step),
              static_cast<unsigned long long>(first_ + total_),
              fmtNum(r.loss).c_str(), scale.c_str(),
              static_cast<long long>(skipped),
              r.skipped ? " (this step skipped)" : "", meanMs);
  std::fflush(stdout);
}

void Progress::bar(int64_t done, const rt::StepResult &r, int64_t skipped,
                   double meanMs) {
  struct winsize ws;
  int cols = ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col
                 ? ws.ws_col
                 : 80;
  std::string scale = r.scale ? fmtNum(*r.scale, "%g") : "-";
  char tail[200];
  std::snprintf(tail, sizeof(tail),
                " step %llu/%llu  loss %s  scale %s  skipped %lld  %.2f "
                "ms/step",
                static_cast<unsigned long long>(r.step),
                static_cast<unsigned long long>(first_ + total_),
                fmtNum(r.loss, "%.5g").c_str(), scale.c_str(),
                static_cast<long long>(skipped), meanMs);
  int width =
      std::clamp(cols - static_cast<int>(std::strlen(tail)) - 8, 10, 40);
  int filled = total_ ? static_cast<int>(width * done / total_) : width;
  std::string bar(filled, '#');
  bar.append(width - filled, '.');
  std::printf("\r%3d%% [%s]%s\x1b[K",
              static_cast<int>(total_ ? 100 * done / total_ : 100), bar.c_str(),
              tail);
  barOpen = done != total_;
  if (!barOpen)
    std::printf("\n");
  std::fflush(stdout);
}

void Progress::message(const std::string &text) {
  if (mode_ != "none")
    std::printf("%s\n", text.c_str());
}
