// Builds the transport tests' blocking HTTP client into test_e2e (each test directory is its own
// executable), so the end-to-end tests can speak raw HTTP to the real binary.
#include "http/http_client.cpp"  // NOLINT(bugprone-suspicious-include)
