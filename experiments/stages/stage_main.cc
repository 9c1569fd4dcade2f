#include "experiments/stages/stage_main.h"

#include <gflags/gflags.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <sstream>
#include <stdexcept>

namespace prolong::stages {

int RunStage(int argc, char** argv, const char* usage,
             const std::function<void()>& body) {
  std::signal(SIGXFSZ, SIG_IGN);
  gflags::SetUsageMessage(usage);
  gflags::ParseCommandLineFlags(&argc, &argv, /*remove_flags=*/true);
  try {
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

void RequireFlag(const char* name, const std::string& value) {
  if (value.empty()) {
    throw std::invalid_argument(std::string("--") + name + " is required");
  }
}

std::vector<std::string> SplitList(const std::string& value) {
  std::vector<std::string> items;
  std::stringstream stream(value);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace prolong::stages
