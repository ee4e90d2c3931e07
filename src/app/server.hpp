// The program: reads the configuration, wires client, tools, session and transport, runs them.
#pragma once

namespace acmcp::app {

// Runs the whole program for a command line; returns the process exit code
// (0 success, 1 failure, 2 invalid configuration).
int run(int argc, char** argv);

}  // namespace acmcp::app
