// Entry point: command line -> Config -> server -> transport (see src/app/).
#include "app/server.hpp"

int main(int argc, char** argv) { return acmcp::app::run(argc, argv); }
