// The `instructions` text sent to the model at initialize: what the server does and how to read
// its results.
#pragma once
#include <string>

namespace acmcp::app {
std::string instructions_text(bool sandbox);
}  // namespace acmcp::app
