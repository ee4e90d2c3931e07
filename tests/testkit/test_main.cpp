// Shared GoogleTest entry point: keeps library logging quiet unless LOG_LEVEL asks for it.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

int main(int argc, char** argv) {
  const char* level = std::getenv("LOG_LEVEL");
  spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::off);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
