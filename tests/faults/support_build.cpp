// Builds the helpers other test directories own into test_faults (each test directory is its own
// executable): the scriptable TLS server, the blocking HTTP client and the child-process runner.
#include "activecampaign/test_server.cpp"  // NOLINT(bugprone-suspicious-include)
#include "e2e/mcp_process.cpp"             // NOLINT(bugprone-suspicious-include)
#include "http/http_client.cpp"            // NOLINT(bugprone-suspicious-include)
