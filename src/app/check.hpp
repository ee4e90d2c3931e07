// `activecampaign-mcp --check`: does the configured upstream accept the credentials?
#pragma once
#include <iosfwd>

#include "app/config.hpp"

namespace acmcp::app {

// One cheap request (the user the credentials belong to); through Maton, the account's active
// ActiveCampaign connections first. Writes the verdict to `out` and returns the exit code: 0 only
// when the upstream accepted the credentials. Never prints a token or key.
int check_upstream(const Config& config, std::ostream& out);

}  // namespace acmcp::app
